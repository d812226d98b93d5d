import type { Logger } from '@flowproxy/runtime';
import { createLogger } from '@flowproxy/runtime';
import type { ServiceEvent, SwarmApi, SwarmNode, SwarmService, SwarmTask } from '../../src/docker/types.js';
import { toSnapshot, type ServiceSnapshot } from '../../src/core/snapshot.js';

export const silentLog: Logger = createLogger('test', { silent: true });

export function svc(
  id: string,
  name: string,
  labels: Record<string, string>,
  opts: { replicas?: number; global?: boolean; version?: number } = {},
): SwarmService {
  return {
    ID: id,
    Version: { Index: opts.version ?? 1 },
    Spec: {
      Name: name,
      Labels: labels,
      Mode: opts.global ? { Global: {} } : { Replicated: { Replicas: opts.replicas ?? 1 } },
    },
  };
}

/** In-memory Swarm: tests mutate `services` and `running`, and push events into the open stream. */
export class FakeSwarm implements SwarmApi {
  services = new Map<string, SwarmService>();
  running = new Set<string>();
  /** Tasks with their placement and addresses (activeTasks, nodeInfo). */
  tasks: SwarmTask[] = [];
  nodes: SwarmNode[] = [];
  taskCalls = 0;
  listCalls = 0;
  failList = false;
  private push: ((e: ServiceEvent | null) => void) | null = null;
  private queue: (ServiceEvent | null)[] = [];

  put(s: SwarmService): void {
    this.services.set(s.ID, s);
  }

  /** Lists everything, parsed: the real listing may skip services the caller knows (`unchanged`). */
  async listServices(_unchanged?: (id: string, version: number) => boolean): Promise<SwarmService[]> {
    this.listCalls++;
    if (this.failList) throw new Error('docker down');
    return [...this.services.values()];
  }

  async inspectService(id: string): Promise<SwarmService | null> {
    return this.services.get(id) ?? null;
  }

  async servicesWithRunningTasks(ids: readonly string[]): Promise<Set<string>> {
    this.taskCalls++;
    return new Set(ids.filter((id) => this.running.has(id)));
  }

  async activeTasks(ids: readonly string[]): Promise<SwarmTask[]> {
    return this.tasks.filter((t) => ids.includes(t.serviceId));
  }

  async listNodes(): Promise<SwarmNode[]> {
    return this.nodes;
  }

  emit(e: ServiceEvent): void {
    this.deliver(e);
  }

  /** Ends the current stream (as a cut connection does). */
  endStream(): void {
    this.deliver(null);
  }

  private deliver(e: ServiceEvent | null): void {
    if (this.push) {
      const p = this.push;
      this.push = null;
      p(e);
    } else this.queue.push(e);
  }

  async *events(signal: AbortSignal, onOpen?: () => void): AsyncIterable<ServiceEvent> {
    onOpen?.();
    while (!signal.aborted) {
      const next =
        this.queue.length > 0
          ? this.queue.shift()!
          : await new Promise<ServiceEvent | null>((resolve) => {
              this.push = resolve;
              signal.addEventListener('abort', () => resolve(null), { once: true });
            });
      if (next === null) return;
      yield next;
    }
  }
}

/** A service's snapshot under the default notify label, and the labels of a routable service. */
export const snap = (s: SwarmService): ServiceSnapshot => toSnapshot(s, 'com.df.notify');
export const base = { 'com.df.notify': 'true', 'com.df.servicePath': '/demo', 'com.df.port': '8080' };
