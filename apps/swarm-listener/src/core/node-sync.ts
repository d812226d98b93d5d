import { newRequestId, type Logger } from '@flowproxy/runtime';
import type { Notification } from '../delivery/dispatcher.js';
import type { SwarmApi, SwarmNode } from '../docker/types.js';
import type { Metrics } from '../metrics.js';
import { nodeChanges, nodeParams, nodeRemoveParams } from './nodes.js';

export interface NodeSyncDeps {
  readonly api: SwarmApi;
  /** Node notifications; `service` carries the node ID (the dispatcher's ordering key). */
  readonly notify: (n: Notification) => void;
  readonly log: Logger;
  readonly metrics?: Metrics;
}

/**
 * Node notifications (DF_NOTIFY_CREATE_NODE_URL / DF_NOTIFY_REMOVE_NODE_URL): compares the node
 * listing with what was last announced, on start, on every node event and every polling interval.
 * Nodes are few, so every trigger is one full listing; concurrent triggers are coalesced.
 */
export class NodeSync {
  private readonly announced = new Map<string, SwarmNode>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: NodeSyncDeps) {}

  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.once();
      } while (this.again);
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Nodes announced so far (tests, metrics). */
  size(): number {
    return this.announced.size;
  }

  private async once(): Promise<void> {
    let nodes: SwarmNode[];
    try {
      nodes = await this.deps.api.listNodes();
    } catch (e) {
      this.deps.metrics?.dockerErrors.inc({ operation: 'node ls' });
      this.deps.log.warn('docker call failed', {
        operation: 'node ls',
        error: e instanceof Error ? e.message : String(e),
      });
      return;
    }
    for (const change of nodeChanges(this.announced, nodes)) {
      const { node } = change;
      if (change.type === 'create') {
        this.announced.set(node.id, node);
        this.deps.notify({ id: newRequestId(), service: node.id, kind: 'create', params: nodeParams(node) });
      } else {
        this.announced.delete(node.id);
        this.deps.notify({
          id: newRequestId(),
          service: node.id,
          kind: 'remove',
          params: nodeRemoveParams(node),
        });
      }
    }
  }
}
