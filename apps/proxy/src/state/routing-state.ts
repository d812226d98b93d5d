import type { ServiceSpec } from '@flowproxy/protocol';
import { createHash } from 'node:crypto';
import { canonicalJsonOfFrozen } from './hash.js';

/** The accepted services by name; immutable, so a candidate never disturbs the running state. */
export type Services = ReadonlyMap<string, ServiceSpec>;

export type Change =
  | { readonly kind: 'upsert'; readonly spec: ServiceSpec }
  | { readonly kind: 'remove'; readonly serviceName: string }
  /** Writes a certificate file of CERTS_DIR, or deletes it (`pem: null`: its service is gone). */
  | { readonly kind: 'cert'; readonly name: string; readonly pem: string | null }
  /** Re-render and reload even when nothing changed (`reload?recreate=true`). */
  | { readonly kind: 'refresh' };

/**
 * What is stored for a service: `distribute` only says how a request travelled, so it is dropped;
 * otherwise a forwarded copy (distribute=false) would hash differently from the original.
 */
export function normalizeSpec(spec: ServiceSpec): ServiceSpec {
  let n = normalized.get(spec);
  if (n === undefined) {
    n = spec.distribute === false ? spec : { ...spec, distribute: false };
    normalized.set(spec, n);
  }
  return n;
}
// Once per spec object: a batch applies its changes several times (render, check, commit), and the
// render and hash caches are keyed by the stored spec's identity.
const normalized = new WeakMap<ServiceSpec, ServiceSpec>();

export const applyChange = (services: Services, change: Change): Services => applyChanges(services, [change]);

/** All changes on one copy (applying them one by one copied 10,000 services per change). */
export function applyChanges(services: Services, changes: readonly Change[]): Services {
  let next: Map<string, ServiceSpec> | undefined;
  for (const c of changes) {
    if (c.kind === 'upsert') {
      next ??= new Map(services);
      next.set(c.spec.serviceName, normalizeSpec(c.spec));
    } else if (c.kind === 'remove' && (next ?? services).has(c.serviceName)) {
      next ??= new Map(services);
      next.delete(c.serviceName);
    }
  }
  return next ?? services;
}

export function sameSpec(a: ServiceSpec | undefined, b: ServiceSpec | undefined): boolean {
  if (!a || !b) return a === b;
  return canonicalJsonOfFrozen(normalizeSpec(a)) === canonicalJsonOfFrozen(normalizeSpec(b));
}

/** sha256 of the routing state in canonical form: equal on every replica that has the same services. */
export function stateHash(services: Services): string {
  // The hash of canonicalJson(sortedServices(services)), fed spec by spec: stored specs are never
  // mutated (their text is memoized), and 10,000 of them never become one string.
  const h = createHash('sha256').update('[');
  sortedServices(services).forEach((spec, i) => {
    if (i > 0) h.update(',');
    h.update(canonicalJsonOfFrozen(spec));
  });
  return h.update(']').digest('hex');
}

/** Services sorted by name, for rendering and persisting in a stable order. */
export const sortedServices = (services: Services): ServiceSpec[] =>
  [...services.keys()].sort().map((k) => services.get(k) as ServiceSpec);
