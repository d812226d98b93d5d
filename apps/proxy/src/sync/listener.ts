import type { ParamInput } from '@flowproxy/protocol';
import { newRequestId, outsideRequest, withRequestId, type Logger } from '@flowproxy/runtime';

const LISTENER_PREFIX = '/v1/docker-flow-swarm-listener';

/** `swarm-listener` -> `http://swarm-listener:8080`; a URL is kept (its listener path, if any, dropped). */
export function listenerBase(address: string): string {
  const a = address.trim().replace(/\/+$/, '');
  if (/^https?:\/\//.test(a)) return a.replace(new RegExp(`${LISTENER_PREFIX}.*$`), '');
  return /:[0-9]+$/.test(a) ? `http://${a}` : `http://${a}:8080`;
}

export class SyncError extends Error {
  constructor(
    readonly code: 'RESYNC_TOO_LARGE' | 'RESYNC_BAD_ANSWER',
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

/** Reads a response body, refusing it (and cancelling the transfer) past `maxBytes`. */
async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const tooLarge = (): SyncError =>
    new SyncError('RESYNC_TOO_LARGE', `get-services answered more than ${maxBytes} bytes (RESYNC_MAX_BYTES)`);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // fetch's body is typed ReadableStream<any>; its chunks are bytes.
  const reader = res.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchServices(
  base: string,
  timeoutMs: number,
  maxBytes: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<ParamInput[]> {
  const res = await fetch(`${base}${LISTENER_PREFIX}/get-services`, {
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`get-services answered ${res.status}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(await readLimited(res, maxBytes));
  } catch (e) {
    if (e instanceof SyncError) throw e;
    throw new SyncError('RESYNC_BAD_ANSWER', `get-services did not answer JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(body))
    throw new SyncError('RESYNC_BAD_ANSWER', 'get-services did not answer a JSON list');
  return body.filter(
    (x): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x),
  );
}

export async function notifyServices(
  base: string,
  timeoutMs: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const res = await fetch(`${base}${LISTENER_PREFIX}/notify-services`, {
    headers,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`notify-services answered ${res.status}`);
}

export interface SyncOptions {
  /** Listener base URLs (LISTENER_ADDRESS may list several); the first that answers is used. */
  readonly bases: readonly string[];
  readonly intervalMs: number;
  /** Keep resyncing after the first success (REPEAT_RELOAD). */
  readonly repeat: boolean;
  /** Largest get-services answer accepted (RESYNC_MAX_BYTES). */
  readonly maxBytes: number;
  /** Sent with every request to the listener (API authentication). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly apply: (
    inputs: ParamInput[],
  ) => Promise<{ applied: number; removed: number; rejected: string[]; missing?: string[] }>;
  readonly logger: Logger;
  readonly onReady: () => void;
  /** Called after every attempt with its outcome (readiness, metrics). */
  readonly onStatus?: (status: SyncStatus) => void;
}

/** What the readiness endpoint reports about the listener. */
export interface SyncStatus {
  /** The initial state from the listener was applied (upstream's successfulinitreload). */
  readonly initialSync: boolean;
  /** The latest attempt succeeded: the routes are those the listener knows. */
  readonly inSync: boolean;
  readonly lastSuccess?: string;
  readonly lastError?: string;
  readonly consecutiveFailures: number;
  /** When the latest attempt ended (the status page's "last sync"). */
  readonly lastAttempt?: string;
  /** Services in the listener's latest successful answer (the status page's "services watched"). */
  readonly services?: number;
}

/**
 * Until the first success, retries come fast (the listener is often just starting with the stack):
 * 100 ms doubling up to 2 s (or the interval, if shorter). A failed fetch costs one connection.
 */
const FIRST_RETRY_MS = 100;
const FIRST_RETRY_MAX_MS = 2000;

/**
 * Start-up fetch of the listener's full state (retried with a short backoff until it succeeds,
 * then the proxy is ready) and the periodic resync that heals lost
 * notifications.
 */
export class ListenerSync {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private statusV: SyncStatus = { initialSync: false, inSync: false, consecutiveFailures: 0 };
  private readonly initialWaiters: (() => void)[] = [];

  constructor(private readonly opts: SyncOptions) {}

  start(): void {
    void this.tickWithId();
  }

  /** Each resync gets an id of its own, so the reload it causes can be traced to it. */
  private tickWithId(): Promise<void> {
    return withRequestId(newRequestId(), () => this.tick());
  }

  get status(): SyncStatus {
    return this.statusV;
  }

  /**
   * Resolves true once the initial state from the listener is applied, or false after `ms`
   * without it (the fetches go on in the background either way).
   */
  initialSync(ms: number): Promise<boolean> {
    if (this.statusV.initialSync) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, ms));
      this.initialWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async fetchAny(): Promise<ParamInput[]> {
    let last: unknown;
    for (const base of this.opts.bases) {
      try {
        return await fetchServices(
          base,
          Math.max(1000, this.opts.intervalMs),
          this.opts.maxBytes,
          this.opts.headers,
        );
      } catch (e) {
        last = e;
        // An oversized or malformed answer is refused, not retried on another listener.
        if (e instanceof SyncError) break;
      }
    }
    throw last instanceof Error ? last : new Error('no listener address');
  }

  private setStatus(s: SyncStatus): void {
    this.statusV = s;
    this.opts.onStatus?.(s);
  }

  private async tick(): Promise<void> {
    const { logger } = this.opts;
    const t0 = Date.now();
    const ready = this.statusV.initialSync;
    try {
      const inputs = await this.fetchAny();
      const r = await this.opts.apply(inputs);
      const level = !ready || r.applied + r.removed > 0 || (r.missing?.length ?? 0) > 0 ? 'info' : 'debug';
      logger.log(level, 'synced from the listener', {
        event: 'sync',
        outcome: 'ok',
        services: inputs.length,
        ...r,
        durationMs: Date.now() - t0,
      });
      const now = new Date().toISOString();
      this.setStatus({
        initialSync: true,
        inSync: true,
        lastSuccess: now,
        lastAttempt: now,
        services: inputs.length,
        consecutiveFailures: 0,
      });
      if (!ready) {
        this.opts.onReady();
        for (const w of this.initialWaiters.splice(0)) w();
      }
    } catch (e) {
      const error = (e as Error).message;
      logger.log(e instanceof SyncError ? 'error' : 'warn', 'could not sync from the listener', {
        event: 'sync',
        outcome: 'failed',
        listener: this.opts.bases.join(','),
        ...(e instanceof SyncError ? { code: e.code } : {}),
        error,
      });
      this.setStatus({
        ...this.statusV,
        inSync: false,
        lastError: error,
        lastAttempt: new Date().toISOString(),
        consecutiveFailures: this.statusV.consecutiveFailures + 1,
      });
    }
    const s = this.statusV;
    if (this.stopped || (s.initialSync && !this.opts.repeat)) return;
    const delay = s.initialSync
      ? this.opts.intervalMs
      : Math.min(
          FIRST_RETRY_MS * 2 ** Math.min(s.consecutiveFailures - 1, 16),
          FIRST_RETRY_MAX_MS,
          this.opts.intervalMs,
        );
    this.timer = setTimeout(() => outsideRequest(() => void this.tickWithId()), delay);
    this.timer.unref();
  }
}
