import type { ServiceSpec } from '@flowproxy/protocol';
import { canonicalJson, canonicalJsonOfFrozen, sha256 } from './hash.js';

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
  return { ...spec, distribute: false };
}

export function applyChange(services: Services, change: Change): Services {
  if (change.kind === 'upsert') {
    const next = new Map(services);
    next.set(change.spec.serviceName, normalizeSpec(change.spec));
    return next;
  }
  if (change.kind === 'remove') {
    if (!services.has(change.serviceName)) return services;
    const next = new Map(services);
    next.delete(change.serviceName);
    return next;
  }
  return services;
}

export const applyChanges = (services: Services, changes: readonly Change[]): Services =>
  changes.reduce(applyChange, services);

export function sameSpec(a: ServiceSpec | undefined, b: ServiceSpec | undefined): boolean {
  if (!a || !b) return a === b;
  return canonicalJson(normalizeSpec(a)) === canonicalJson(normalizeSpec(b));
}

/** sha256 of the routing state in canonical form: equal on every replica that has the same services. */
export function stateHash(services: Services): string {
  // Same text as canonicalJson(sortedServices(services)); stored specs are never mutated.
  return sha256(`[${sortedServices(services).map(canonicalJsonOfFrozen).join(',')}]`);
}

/** Services sorted by name, for rendering and persisting in a stable order. */
export const sortedServices = (services: Services): ServiceSpec[] =>
  [...services.keys()].sort().map((k) => services.get(k) as ServiceSpec);
