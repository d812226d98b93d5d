import { promises as dns } from 'node:dns';

/** The API addresses (`host:port`) of every proxy replica, this one included. */
export type PeerResolver = () => Promise<string[]>;

export class PeerLookupError extends Error {
  readonly code = 'PEER_LOOKUP_FAILED';
}

/**
 * Replicas from Docker DNS: `tasks.<SERVICE_NAME>` lists one A record per running task. A name that
 * does not exist (a single proxy outside Swarm) gives no peers; other DNS failures are errors.
 */
export function dnsPeers(serviceName: string, apiPort: number, resolver = new dns.Resolver()): PeerResolver {
  return async () => {
    try {
      const ips = await resolver.resolve4(`tasks.${serviceName}`);
      return ips.sort().map((ip) => `${ip}:${apiPort}`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw new PeerLookupError(
        `Could not perform DNS lookup for tasks.${serviceName}: ${(e as Error).message}`,
      );
    }
  };
}

/** A fixed list (`PEERS`), for static setups and tests on loopback where every replica has its own port. */
export const staticPeers =
  (peers: readonly string[]): PeerResolver =>
  async () => [...peers];
