import type { ServiceSpec } from '@flowproxy/protocol';

const paths = (spec: ServiceSpec): string[] =>
  spec.destinations.flatMap((d) =>
    d.servicePath.length > 0 ? d.servicePath : d.serviceDomain.length > 0 ? ['/'] : [],
  );

/** Upstream's first rank: Let's Encrypt challenges must never be captured by another route. */
export const isWellKnown = (spec: ServiceSpec): boolean =>
  paths(spec).some((p) => p.toLowerCase().startsWith('/.well-known'));

/** Upstream's last rank: a `/` path (also implied by a domain without path) catches everything. */
export const isRootService = (spec: ServiceSpec): boolean => paths(spec).includes('/');

// Sorting 10,000 services compares about 140,000 pairs: each spec's rank is computed once.
const ranks = new WeakMap<ServiceSpec, number>();
function rank(spec: ServiceSpec): number {
  let r = ranks.get(spec);
  if (r === undefined) {
    r = isWellKnown(spec) ? 0 : isRootService(spec) ? 2 : 1;
    ranks.set(spec, r);
  }
  return r;
}

const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Upstream's service order (proxy/types.go Services.Less), then serviceName so the order is total. */
export function compareServices(a: ServiceSpec, b: ServiceSpec): number {
  return rank(a) - rank(b) || byteCompare(a.aclName, b.aclName) || byteCompare(a.serviceName, b.serviceName);
}

export { byteCompare };
