import { currentRequestId, REQUEST_ID_HEADER } from '@flowproxy/runtime';

export interface PeerResult {
  readonly address: string;
  readonly ok: boolean;
  readonly status?: number;
  readonly message: string;
}

/**
 * Sends the same request, with distribute=false, to every replica in parallel and waits for all of
 * them (each bounded by `timeoutMs`). A replica counts as done only on 2xx.
 */
export async function forwardToPeers(
  op: 'reconfigure' | 'remove',
  query: URLSearchParams,
  peers: readonly string[],
  timeoutMs: number,
  /** Sent with every request (API authentication between replicas). */
  headers: Readonly<Record<string, string>> = {},
): Promise<PeerResult[]> {
  const q = new URLSearchParams(query);
  q.set('distribute', 'false');
  const id = currentRequestId();
  return Promise.all(
    peers.map(async (address): Promise<PeerResult> => {
      try {
        const res = await fetch(`http://${address}/v1/docker-flow-proxy/${op}?${q.toString()}`, {
          signal: AbortSignal.timeout(timeoutMs),
          // every replica logs the change under the id the listener gave it
          headers: { ...headers, ...(id ? { [REQUEST_ID_HEADER]: id } : {}) },
        });
        const text = await res.text();
        let message = '';
        try {
          const body = JSON.parse(text) as { message?: string; Message?: string };
          message = body.message ?? body.Message ?? '';
        } catch {
          message = text.slice(0, 200);
        }
        return { address, ok: res.status >= 200 && res.status < 300, status: res.status, message };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        return {
          address,
          ok: false,
          message:
            err.name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : (err.cause?.code ?? err.message),
        };
      }
    }),
  );
}
