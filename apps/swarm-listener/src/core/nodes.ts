import { LABEL_PREFIX } from '@flowproxy/protocol';
import type { SwarmNode } from '../docker/types.js';

function dfLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(LABEL_PREFIX) && k.length > LABEL_PREFIX.length) out[k.slice(LABEL_PREFIX.length)] = v;
  }
  return out;
}

/** Node parameters as upstream's get-nodes: engine then node `com.df.*` labels, fixed keys win. */
export function nodeParams(n: SwarmNode): Record<string, string> {
  return {
    ...dfLabels(n.engineLabels),
    ...dfLabels(n.labels),
    id: n.id,
    hostname: n.hostname,
    address: n.address,
    versionIndex: String(n.versionIndex),
    state: n.state,
    role: n.role,
    availability: n.availability,
  };
}

/** Upstream's node remove parameters: only the node's identity. */
export function nodeRemoveParams(n: SwarmNode): Record<string, string> {
  return { id: n.id, hostname: n.hostname, address: n.address };
}

const sortedEntries = (r: Readonly<Record<string, string>>): [string, string][] =>
  Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * What upstream compares to decide that a node changed (its NodeMini.Equal): everything but the
 * version index, which moves on changes nobody is told about. All labels count, not only `com.df.*`.
 */
export function nodeKey(n: SwarmNode): string {
  return JSON.stringify([
    n.id,
    n.hostname,
    n.state,
    n.address,
    sortedEntries(n.labels),
    sortedEntries(n.engineLabels),
    n.role,
    n.availability,
  ]);
}

export type NodeChange =
  | { readonly type: 'create'; readonly node: SwarmNode }
  | { readonly type: 'remove'; readonly node: SwarmNode };

/**
 * Node notifications for one listing, given the nodes last announced: a new or changed node is a
 * create, a node that left the Swarm or went `down` is a remove (with what was announced), and
 * a down node that comes back is a create again.
 */
export function nodeChanges(
  announced: ReadonlyMap<string, SwarmNode>,
  nodes: readonly SwarmNode[],
): NodeChange[] {
  const out: NodeChange[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    seen.add(node.id);
    const before = announced.get(node.id);
    if (node.state === 'down') {
      if (before) out.push({ type: 'remove', node: before });
    } else if (!before || nodeKey(before) !== nodeKey(node)) {
      out.push({ type: 'create', node });
    }
  }
  for (const [id, before] of announced) if (!seen.has(id)) out.push({ type: 'remove', node: before });
  return out;
}
