import pRetry, { AbortError } from 'p-retry';
import { classify, type AttemptResult, type NotificationKind } from './classify.js';

export interface Attempt {
  readonly url: string;
  readonly method: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One HTTP request; resolves with the status (any) or a transport error, rejects only when aborted. */
export type Transport = (a: Attempt) => Promise<AttemptResult & { readonly body?: string }>;

export type Outcome =
  | { readonly result: 'delivered'; readonly attempts: number; readonly status: number }
  | { readonly result: 'rejected'; readonly attempts: number; readonly status: number; readonly body: string }
  | { readonly result: 'failed'; readonly attempts: number; readonly reason: string }
  | { readonly result: 'cancelled'; readonly attempts: number };

export interface RetryPolicy {
  /** Total attempts (DF_RETRY). */
  readonly attempts: number;
  /** Constant spacing between attempts (DF_RETRY_INTERVAL). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Called after a failed attempt that will be retried; `reason` is the status or transport error. */
export type OnRetry = (attempt: number, reason: string) => void;

class AttemptFailed extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | undefined,
    readonly body: string,
  ) {
    super(reason);
    this.name = 'AttemptFailed';
  }
}

const describe = (r: AttemptResult): string => ('status' in r ? `status ${r.status}` : r.transportError);

/**
 * Delivers one notification to one URL: p-retry with a constant interval, stops early on a
 * definitive answer (classify), and stops quietly when `signal` aborts (a newer notification for
 * the same service superseded this one).
 */
export async function deliver(
  transport: Transport,
  url: string,
  method: string,
  kind: NotificationKind,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: OnRetry = () => undefined,
): Promise<Outcome> {
  let attempts = 0;
  try {
    const status = await pRetry(
      async (n) => {
        attempts = n;
        const r = await transport({ url, method, timeoutMs: policy.timeoutMs, signal });
        const verdict = classify(r, kind);
        if (verdict === 'ok') return 'status' in r ? r.status : 0;
        const err = new AttemptFailed(describe(r), 'status' in r ? r.status : undefined, r.body ?? '');
        throw verdict === 'abort' ? new AbortError(err) : err;
      },
      {
        retries: policy.attempts - 1,
        minTimeout: policy.intervalMs,
        maxTimeout: policy.intervalMs,
        factor: 1,
        randomize: false,
        signal,
        unref: true,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && !signal.aborted) onRetry(attemptNumber, error.message);
        },
      },
    );
    return { result: 'delivered', attempts, status };
  } catch (e) {
    if (signal.aborted) return { result: 'cancelled', attempts };
    const failed = e instanceof AbortError ? e.originalError : e;
    if (
      failed instanceof AttemptFailed &&
      failed.status !== undefined &&
      classify({ status: failed.status }, kind) === 'abort'
    ) {
      return { result: 'rejected', attempts, status: failed.status, body: failed.body };
    }
    return { result: 'failed', attempts, reason: failed instanceof Error ? failed.message : String(failed) };
  }
}
