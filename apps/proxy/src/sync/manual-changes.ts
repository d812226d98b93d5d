import type { ServiceSpec } from '@flowproxy/protocol';
import { sameSpec } from '../state/routing-state.js';

/** What the resync does with one service the listener announces. */
export type ResyncDecision = 'apply' | 'keep-manual';

/**
 * Who wins when a manual `reconfigure`/`remove` and the listener disagree (issue 10): the resync
 * applies only what the listener itself changed since the previous resync. It remembers, per
 * service, the listener's definition it last saw; while that definition is unchanged, a different
 * state (a manual reconfigure or remove in between) is kept and reported as manual. When the
 * listener's definition changes (labels, replicas), the listener wins again. A service added by
 * hand that the listener never announced is kept by the resync. Pure bookkeeping: no I/O.
 */
export class ManualChanges {
  /** Listener's definition as last seen by a resync, by service name. */
  private readonly seen = new Map<string, ServiceSpec>();
  /** Services whose current state differs from the listener's unchanged definition. */
  private readonly manual = new Set<string>();
  /** Services added by an API call that no resync has seen from the listener. */
  private readonly addedByHand = new Set<string>();

  /** An API reconfigure or remove of `name` succeeded (listener notifications come this way too). */
  changedByApi(name: string, current: ServiceSpec | undefined): void {
    const listener = this.seen.get(name);
    if (listener === undefined) {
      if (current !== undefined) this.addedByHand.add(name);
      else this.addedByHand.delete(name);
      return;
    }
    if (sameSpec(listener, current)) this.manual.delete(name);
    else this.manual.add(name);
  }

  /** The resync sees `listener` for a service whose state is `current`. */
  decide(name: string, listener: ServiceSpec, current: ServiceSpec | undefined): ResyncDecision {
    const before = this.seen.get(name);
    this.seen.set(name, listener);
    this.addedByHand.delete(name);
    if (sameSpec(listener, current)) {
      this.manual.delete(name);
      return 'apply';
    }
    if (before !== undefined && sameSpec(before, listener) && this.manual.has(name)) return 'keep-manual';
    this.manual.delete(name);
    return 'apply';
  }

  /** Services the resync must not remove although the listener does not announce them. */
  keptByHand(): ReadonlySet<string> {
    return this.addedByHand;
  }

  /** After a resync: services the listener no longer announces are its own business again. */
  prune(announced: ReadonlySet<string>): void {
    for (const name of [...this.seen.keys()]) if (!announced.has(name)) this.forget(name);
  }

  /** The listener no longer announces `name` and it was removed: forget it. */
  forget(name: string): void {
    this.seen.delete(name);
    this.manual.delete(name);
    this.addedByHand.delete(name);
  }

  /** Services whose state is a manual change the resync keeps, sorted (config?type=json). */
  list(): string[] {
    return [...new Set([...this.manual, ...this.addedByHand])].sort();
  }
}
