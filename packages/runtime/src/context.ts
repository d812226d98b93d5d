import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * The id of the notification being handled, carried through async calls so every log line written
 * on its behalf names it (the logger adds `requestId`) without passing it down by hand. The
 * listener makes one per notification and sends it as `X-Request-Id`; the proxy adopts it.
 */
const storage = new AsyncLocalStorage<{ readonly requestId: string }>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** A short random id: 12 base32 characters (60 bits), enough to be unique in a cluster's logs. */
export function newRequestId(): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const bytes = randomBytes(12);
  let out = '';
  for (const b of bytes) out += alphabet[b & 31];
  return out;
}

/** An id received from a client, if it is one we can log safely (no spaces, quotes or control characters). */
export function acceptRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(value) ? value : undefined;
}

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` outside any request: work shared by many requests (a coalesced reload) must not carry one id. */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}
