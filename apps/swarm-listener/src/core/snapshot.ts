import { createHash } from 'node:crypto';
import { isNotifyEnabled, LABEL_PREFIX } from '@flowproxy/protocol';
import type { SwarmService } from '../docker/types.js';

export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

/**
 * What routing depends on, normalized: two specs that differ only in image, env, resources, ...
 * give the same snapshot and hash, so a no-op (for routing) update sends nothing.
 */
export interface ServiceSnapshot {
  readonly id: string;
  readonly name: string;
  /** Docker's Version.Index: orders a listing against an inspect of the same service. */
  readonly version: number;
  readonly mode: 'replicated' | 'global';
  /** Desired replicas; undefined for global services. */
  readonly replicas: number | undefined;
  /** `com.df.*` labels (plus the stack namespace, which `shortName` reads), sorted. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the notify label is `true`. */
  readonly enabled: boolean;
  readonly hash: string;
}

export function toSnapshot(service: SwarmService, notifyLabel: string): ServiceSnapshot {
  const spec = service.Spec ?? {};
  const all = spec.Labels ?? {};
  const labels: Record<string, string> = {};
  for (const key of Object.keys(all).sort()) {
    if (key.startsWith(LABEL_PREFIX) || key === notifyLabel || key === STACK_NAMESPACE_LABEL)
      labels[key] = all[key] ?? '';
  }
  const global = spec.Mode?.Global !== undefined || spec.Mode?.GlobalJob !== undefined;
  const replicas = global ? undefined : (spec.Mode?.Replicated?.Replicas ?? 1);
  const name = spec.Name ?? service.ID;
  const enabled = isNotifyEnabled(labels, notifyLabel);
  const hash = createHash('sha256')
    .update(JSON.stringify([name, global ? 'global' : 'replicated', replicas ?? null, enabled, labels]))
    .digest('hex')
    .slice(0, 16);
  return {
    id: service.ID,
    name,
    version: service.Version?.Index ?? 0,
    mode: global ? 'global' : 'replicated',
    replicas,
    labels,
    enabled,
    hash,
  };
}

/** A service needs a running task before it is announced, unless it has nothing to run. */
export function needsRunningTask(s: ServiceSnapshot): boolean {
  return s.mode === 'global' || (s.replicas ?? 0) > 0;
}
