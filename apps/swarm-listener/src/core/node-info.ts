import type { SwarmTask } from '../docker/types.js';
import type { ServiceSnapshot } from './snapshot.js';

/** Upstream's label naming the overlay network whose task addresses go into `nodeInfo`. */
export const SCRAPE_NETWORK_LABEL = 'com.df.scrapeNetwork';

/** The network to report for a service, or undefined when it does not ask for nodeInfo. */
export function scrapeNetwork(s: ServiceSnapshot): string | undefined {
  const v = s.labels[SCRAPE_NETWORK_LABEL]?.trim();
  return v ? v : undefined;
}

/**
 * Upstream's `nodeInfo` parameter: a JSON list of `[node hostname, task address on the scrape
 * network, node ID]`, one per running task (Docker Flow Monitor turns them into scrape targets).
 * Tasks without an address on that network, or on a node not in `hostnames`, are left out, as
 * upstream does; undefined when none is left (upstream then sends no nodeInfo at all). Sorted, so
 * the same placement always gives the same string and a change is a string comparison.
 */
export function nodeInfoParam(
  tasks: readonly SwarmTask[],
  hostnames: ReadonlyMap<string, string>,
  network: string,
): string | undefined {
  const seen = new Map<string, [string, string, string]>();
  for (const t of tasks) {
    const address = t.networks[network];
    const hostname = hostnames.get(t.nodeId);
    if (!address || hostname === undefined) continue;
    const entry: [string, string, string] = [hostname, address, t.nodeId];
    seen.set(JSON.stringify(entry), entry);
  }
  if (seen.size === 0) return undefined;
  return JSON.stringify([...seen.keys()].sort().map((k) => seen.get(k)));
}
