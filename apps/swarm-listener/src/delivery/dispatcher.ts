import type { Endpoint } from '../env.js';
import type { NotificationKind } from './classify.js';
import type { Outcome } from './deliver.js';
import { createGate, type Gate } from './limit.js';

export interface Notification {
  /** Follows the change through both apps' logs: sent as X-Request-Id, logged by the proxy. */
  readonly id: string;
  /**
   * serviceName as sent: the proxy keys routes by it, so ordering and cancellation do too (for
   * node notifications, the node ID).
   */
  readonly service: string;
  readonly kind: NotificationKind;
  readonly params: Readonly<Record<string, string>>;
}

/** Delivers one notification to one endpoint, honouring `signal`. */
export type SendFn = (endpoint: Endpoint, n: Notification, signal: AbortSignal) => Promise<Outcome>;

export class SupersededError extends Error {
  readonly code = 'NOTIFICATION_SUPERSEDED';
  constructor(service: string) {
    super(`a newer notification for ${service} replaced this one`);
    this.name = 'SupersededError';
  }
}

/**
 * Orders and cancels notifications. Per service and URL they are serialized (a remove never
 * overtakes the create before it); a newer notification for a service aborts the older one still
 * in flight or retrying, so only the newest state is delivered. Different URLs and different
 * services have independent chains: a dead URL never delays anything else.
 */
export class Dispatcher {
  private readonly current = new Map<string, AbortController>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly gates = new Map<string, Gate>();

  /**
   * `maxPerUrl`: sends started at once per URL; the others wait as a queued closure, not as a
   * started send (its retry loop, request and log context: ~10 KB each, ~100 MB when a listener
   * first notifies 10,000 services). Per URL, so a URL whose sends hang or retry never holds back
   * another.
   */
  constructor(
    private readonly endpoints: Readonly<Record<NotificationKind, readonly Endpoint[]>>,
    private readonly send: SendFn,
    private readonly maxPerUrl = Infinity,
  ) {}

  private gate(url: string): Gate | undefined {
    if (this.maxPerUrl === Infinity) return undefined;
    let g = this.gates.get(url);
    if (!g) this.gates.set(url, (g = createGate(this.maxPerUrl)));
    return g;
  }

  submit(n: Notification): Promise<Outcome[]> {
    this.current.get(n.service)?.abort(new SupersededError(n.service));
    const ctl = new AbortController();
    this.current.set(n.service, ctl);
    const runs = this.endpoints[n.kind].map((ep) => {
      const key = `${n.service}\u0000${ep.url}`;
      const before = this.chains.get(key) ?? Promise.resolve();
      const gate = this.gate(ep.url);
      const cancelled: Outcome = { result: 'cancelled', attempts: 0 };
      const run = before.then((): Promise<Outcome> | Outcome => {
        if (ctl.signal.aborted) return cancelled;
        if (!gate) return this.send(ep, n, ctl.signal);
        return gate(() => this.send(ep, n, ctl.signal), ctl.signal).catch((e: unknown) => {
          if (ctl.signal.aborted) return cancelled;
          throw e;
        });
      });
      const tail = run.catch(() => undefined);
      this.chains.set(key, tail);
      void tail.then(() => {
        if (this.chains.get(key) === tail) this.chains.delete(key);
      });
      return run;
    });
    return Promise.all(runs).finally(() => {
      if (this.current.get(n.service) === ctl) this.current.delete(n.service);
    });
  }

  /** Services with a notification still in flight or retrying. */
  inFlight(): number {
    return this.current.size;
  }

  /** Aborts everything (shutdown). */
  abortAll(): void {
    for (const [service, ctl] of this.current) ctl.abort(new SupersededError(service));
  }
}
