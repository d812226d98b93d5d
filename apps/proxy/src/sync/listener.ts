import type { ParamInput } from '@flowproxy/protocol';
import type { Logger } from '@flowproxy/runtime';

const LISTENER_PREFIX = '/v1/docker-flow-swarm-listener';

/** `swarm-listener` -> `http://swarm-listener:8080`; a URL is kept (its listener path, if any, dropped). */
export function listenerBase(address: string): string {
  const a = address.trim().replace(/\/+$/, '');
  if (/^https?:\/\//.test(a)) return a.replace(new RegExp(`${LISTENER_PREFIX}.*$`), '');
  return /:[0-9]+$/.test(a) ? `http://${a}` : `http://${a}:8080`;
}

export async function fetchServices(base: string, timeoutMs: number): Promise<ParamInput[]> {
  const res = await fetch(`${base}${LISTENER_PREFIX}/get-services`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) throw new Error(`get-services answered ${res.status}`);
  const body: unknown = await res.json();
  if (!Array.isArray(body)) throw new Error('get-services did not answer a JSON list');
  return body.filter(
    (x): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x),
  );
}

export async function notifyServices(base: string, timeoutMs: number): Promise<void> {
  const res = await fetch(`${base}${LISTENER_PREFIX}/notify-services`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status < 200 || res.status >= 300) throw new Error(`notify-services answered ${res.status}`);
}

export interface SyncOptions {
  /** Listener base URLs (LISTENER_ADDRESS may list several); the first that answers is used. */
  readonly bases: readonly string[];
  readonly intervalMs: number;
  /** Keep resyncing after the first success (REPEAT_RELOAD). */
  readonly repeat: boolean;
  readonly apply: (inputs: ParamInput[]) => Promise<{ applied: number; removed: number; rejected: string[] }>;
  readonly logger: Logger;
  readonly onReady: () => void;
}

/**
 * Start-up fetch of the listener's full state (retried every interval until it succeeds, then the
 * proxy is ready) and the periodic resync that heals lost notifications.
 */
export class ListenerSync {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ready = false;

  constructor(private readonly opts: SyncOptions) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async fetchAny(): Promise<ParamInput[]> {
    let last: unknown;
    for (const base of this.opts.bases) {
      try {
        return await fetchServices(base, Math.max(1000, this.opts.intervalMs));
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error('no listener address');
  }

  private async tick(): Promise<void> {
    const { logger } = this.opts;
    const t0 = Date.now();
    try {
      const inputs = await this.fetchAny();
      const r = await this.opts.apply(inputs);
      const level = !this.ready || r.applied + r.removed > 0 ? 'info' : 'debug';
      logger.log(level, 'synced from the listener', {
        event: 'sync',
        outcome: 'ok',
        services: inputs.length,
        ...r,
        durationMs: Date.now() - t0,
      });
      if (!this.ready) {
        this.ready = true;
        this.opts.onReady();
      }
    } catch (e) {
      logger.warn('could not sync from the listener', {
        event: 'sync',
        outcome: 'failed',
        listener: this.opts.bases.join(','),
        error: (e as Error).message,
      });
    }
    if (this.stopped || (this.ready && !this.opts.repeat)) return;
    this.timer = setTimeout(() => void this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }
}
