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
