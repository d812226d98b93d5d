import type { Endpoint } from '../env.js';
import type { NotificationKind } from './classify.js';
import type { Outcome } from './deliver.js';

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

  constructor(
    private readonly endpoints: Readonly<Record<NotificationKind, readonly Endpoint[]>>,
    private readonly send: SendFn,
  ) {}

  submit(n: Notification): Promise<Outcome[]> {
    this.current.get(n.service)?.abort(new SupersededError(n.service));
    const ctl = new AbortController();
    this.current.set(n.service, ctl);
    const runs = this.endpoints[n.kind].map((ep) => {
      const key = `${n.service}\u0000${ep.url}`;
      const before = this.chains.get(key) ?? Promise.resolve();
      const run = before.then((): Promise<Outcome> | Outcome =>
        ctl.signal.aborted ? { result: 'cancelled', attempts: 0 } : this.send(ep, n, ctl.signal),
      );
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
