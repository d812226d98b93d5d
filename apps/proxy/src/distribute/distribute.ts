import { toEntries } from '@flowproxy/protocol';
import type { Logger } from '@flowproxy/runtime';
import type { ProxyControl } from '../control/control.js';
import { failure, success, type Result } from '../control/result.js';
import { forwardToPeers } from './forward.js';
import type { PeerResolver } from './peers.js';

export interface DistributeDeps {
  readonly control: Pick<ProxyControl, 'plan'>;
  readonly peers: PeerResolver;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Sent to every replica (API authentication). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Applies one request locally, or on every replica when it asks for `distribute=true`. */
export type Distribute = (
  op: 'reconfigure' | 'remove',
  input: Record<string, unknown>,
  local: () => Promise<Result>,
) => Promise<Result>;

const wantsDistribute = (input: Record<string, unknown>): boolean =>
  [input.distribute]
    .flat()
    .some((v) => (typeof v === 'string' || typeof v === 'boolean') && String(v).toLowerCase() === 'true');

/**
 * distribute=true: validate here, then send to every replica (this one included, found by
 * `peers`) and wait for all; the answers are aggregated into one reply. Without it: `local()`.
 */
export function createDistribute(deps: DistributeDeps): Distribute {
  const { control, logger } = deps;
  return async (op, input, local) => {
    if (!wantsDistribute(input)) return local();
    if (op === 'reconfigure') {
      const plan = control.plan(input);
      if (!plan.ok) return local(); // the same validation answer, recorded, without bothering the peers
    }
    let peers: string[];
    try {
      peers = await deps.peers();
    } catch (e) {
      return failure('DISTRIBUTE_FAILED', (e as Error).message);
    }
    if (peers.length === 0) {
      const result = await local();
      return result.ok ? { ...result, message: 'no other replicas found: applied locally' } : result;
    }
    const { entries } = toEntries(input);
    const results = await forwardToPeers(
      op,
      new URLSearchParams([...entries]),
      peers,
      deps.timeoutMs,
      deps.headers,
    );
    const serviceName = entries.get('serviceName');
    if (results.every((r) => r.ok)) {
      return success('Distributed to all instances', { ServiceName: serviceName, replicas: results });
    }
    const statuses = new Set(results.map((r) => r.status));
    const only = results[0]?.status;
    const common = statuses.size === 1 && only !== undefined && only >= 400 && only < 500 ? only : undefined;
    const failed = results.filter((r) => !r.ok);
    const message = `Could not apply the request on ${failed.length} of ${results.length} replicas: ${failed.map((r) => `${r.address} (${r.status ?? 'no answer'}: ${r.message})`).join(', ')}`;
    logger.warn('distribute failed', {
      event: 'distribute',
      op,
      serviceName,
      failed: failed.map((r) => r.address),
    });
    return {
      ...failure(
        'DISTRIBUTE_FAILED',
        message,
        failed.map((r) => ({
          param: 'distribute',
          code: 'PARAM_INVALID',
          message: `${r.address}: ${r.status ?? 'no answer'} ${r.message}`,
        })),
        { ServiceName: serviceName, replicas: results },
      ),
      ...(common !== undefined ? { status: common } : {}),
    };
  };
}
