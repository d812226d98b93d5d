export type NotificationKind = 'create' | 'remove';

/** Outcome of one attempt: an HTTP status, or a transport failure (refused, reset, timeout, DNS). */
export type AttemptResult = { readonly status: number } | { readonly transportError: string };

export type Verdict = 'ok' | 'retry' | 'abort';

/**
 * Upstream's rules, made explicit: create succeeds on 2xx or 409 (http service without path or
 * domain: the proxy will never accept it, so retrying is pointless but it is not an error of
 * delivery), remove on 2xx. Other 4xx are the receiver saying the request itself is wrong:
 * retrying cannot help, so abort (408 and 429 are transient and retried). Everything else, and
 * every transport error, is retried.
 */
export function classify(result: AttemptResult, kind: NotificationKind): Verdict {
  if (!('status' in result)) return 'retry';
  const { status } = result;
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 && kind === 'create') return 'ok';
  if (status === 408 || status === 429) return 'retry';
  if (status >= 400 && status < 500) return 'abort';
  return 'retry';
}
