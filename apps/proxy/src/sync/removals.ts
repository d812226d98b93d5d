/** How long and how often a service has been missing from the listener's answers. */
export interface Missing {
  readonly since: number;
  readonly answers: number;
}

/**
 * Which services a resync removes. The real Docker Flow Swarm Listener leaves a service out of
 * `get-services` while its tasks are not all running (a rolling update), so one answer without a
 * service is no proof that it is gone: it is removed only once it has been missing from at least
 * two consecutive answers and for at least `graceMs`. A remove notification from the listener
 * still removes it at once (the `remove` endpoint). Pure: the caller keeps `missing` between calls.
 */
export function resyncRemovals(
  current: Iterable<string>,
  answered: ReadonlySet<string>,
  pinned: ReadonlySet<string>,
  previous: ReadonlyMap<string, Missing>,
  now: number,
  graceMs: number,
): { remove: string[]; missing: Map<string, Missing> } {
  const remove: string[] = [];
  const missing = new Map<string, Missing>();
  for (const name of current) {
    if (answered.has(name) || pinned.has(name)) continue;
    const before = previous.get(name);
    const m: Missing = { since: before?.since ?? now, answers: (before?.answers ?? 0) + 1 };
    if (m.answers >= 2 && now - m.since >= graceMs) remove.push(name);
    else missing.set(name, m);
  }
  return { remove, missing };
}
