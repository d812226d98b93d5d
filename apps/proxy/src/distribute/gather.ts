export interface Gathered {
  readonly address: string;
  readonly ok: boolean;
  readonly status?: number;
  /** The answer's body, or why there is none. */
  readonly body: string;
}

/**
 * GETs the same API path from every replica in parallel (each bounded by `timeoutMs`) and returns
 * each answer, failures included: the caller decides whether a partial answer is an answer.
 */
export async function gatherFromPeers(
  path: string,
  peers: readonly string[],
  timeoutMs: number,
  init: {
    readonly method?: string;
    readonly body?: string;
    readonly contentType?: string;
    /** Sent with the request (API authentication between replicas). */
    readonly headers?: Readonly<Record<string, string>>;
  } = {},
): Promise<Gathered[]> {
  return Promise.all(
    peers.map(async (address): Promise<Gathered> => {
      try {
        const res = await fetch(`http://${address}/v1/docker-flow-proxy/${path}`, {
          signal: AbortSignal.timeout(timeoutMs),
          ...(init.method ? { method: init.method } : {}),
          ...(init.body !== undefined ? { body: init.body } : {}),
          headers: { ...init.headers, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
        });
        const body = await res.text();
        return { address, ok: res.status >= 200 && res.status < 300, status: res.status, body };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        return {
          address,
          ok: false,
          body:
            err.name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : (err.cause?.code ?? err.message),
        };
      }
    }),
  );
}

/** `a (500: …), b (no answer: …)` for error messages naming the replicas that failed. */
export const describeFailures = (results: readonly Gathered[]): string =>
  results
    .filter((r) => !r.ok)
    .map((r) => `${r.address} (${r.status ?? 'no answer'}: ${r.body.slice(0, 200)})`)
    .join(', ');
