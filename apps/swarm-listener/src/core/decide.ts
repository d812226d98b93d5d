import { needsRunningTask, type ServiceSnapshot } from './snapshot.js';

/**
 * One routing change. `previous` is what the receivers were last told about this service ID;
 * `create` is a service they do not know yet, `update` a known one whose labels or replicas changed.
 */
export type Change =
  | { readonly kind: 'create'; readonly snapshot: ServiceSnapshot }
  | { readonly kind: 'update'; readonly snapshot: ServiceSnapshot; readonly previous: ServiceSnapshot }
  | { readonly kind: 'remove'; readonly previous: ServiceSnapshot };

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
  if (!live) return previous ? [{ kind: 'remove', previous }] : [];
  if (!previous) return [{ kind: 'create', snapshot: live }];
  // The proxy keys routes by serviceName: a renamed service must drop the old name first.
  if (previous.name !== live.name)
    return [
      { kind: 'remove', previous },
      { kind: 'create', snapshot: live },
    ];
  if (previous.hash === live.hash && !opts.force) return [];
  return [{ kind: 'update', snapshot: live, previous }];
}

/**
 * Whether a change must wait for a running task: a service the receivers do not route yet (new, or
 * coming back from 0 replicas) is announced only when it can answer.
 */
export function waitsForTask(change: Change, immediate: boolean): boolean {
  if (immediate || change.kind === 'remove') return false;
  if (!needsRunningTask(change.snapshot)) return false;
  return change.kind === 'create' || change.previous.replicas === 0;
}
