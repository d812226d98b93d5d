import { needsRunningTask, type ServiceSnapshot } from './snapshot.js';

/**
 * One routing change. `previous` is what the receivers were last told about this service ID;
 * `create` is a service they do not know yet, `update` a known one whose labels or replicas changed.
 */
export type Change =
  | { readonly type: 'create'; readonly snapshot: ServiceSnapshot }
  | { readonly type: 'update'; readonly snapshot: ServiceSnapshot; readonly previous: ServiceSnapshot }
  | { readonly type: 'remove'; readonly previous: ServiceSnapshot };

export interface DecideOptions {
  /** Send even when nothing changed (notify-services, start-up). */
  readonly force?: boolean;
}

/**
 * What to send for one service, given what was last notified (`previous`) and what Docker says now
 * (`next`, null when the service is gone). A service without the notify label counts as gone.
 */
export function decide(
  previous: ServiceSnapshot | undefined,
  next: ServiceSnapshot | null,
  opts: DecideOptions = {},
): Change[] {
  const live = next !== null && next.enabled ? next : null;
  if (!live) return previous ? [{ type: 'remove', previous }] : [];
  if (!previous) return [{ type: 'create', snapshot: live }];
  // The proxy keys routes by serviceName: a renamed service must drop the old name first.
  if (previous.name !== live.name)
    return [
      { type: 'remove', previous },
      { type: 'create', snapshot: live },
    ];
  if (previous.hash === live.hash && !opts.force) return [];
  return [{ type: 'update', snapshot: live, previous }];
}

/** Full comparison for a reconcile: every listed service against what was notified, and what vanished. */
export function diff(
  previous: ReadonlyMap<string, ServiceSnapshot>,
  next: readonly ServiceSnapshot[],
  opts: DecideOptions = {},
): Change[] {
  const out: Change[] = [];
  const seen = new Set<string>();
  for (const snap of next) {
    seen.add(snap.id);
    out.push(...decide(previous.get(snap.id), snap, opts));
  }
  for (const [id, prev] of previous) {
    if (!seen.has(id)) out.push({ type: 'remove', previous: prev });
  }
  return out;
}

/**
 * Whether a change must wait for a running task: a service the receivers do not route yet (new, or
 * coming back from 0 replicas) is announced only when it can answer.
 */
export function waitsForTask(change: Change, immediate: boolean): boolean {
  if (immediate || change.type === 'remove') return false;
  if (!needsRunningTask(change.snapshot)) return false;
  return change.type === 'create' || change.previous.replicas === 0;
}
