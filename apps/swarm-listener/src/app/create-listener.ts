import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizationHeaders, createLogger, type Logger } from '@flowproxy/runtime';
import { createApi } from '../api/server.js';
import { DEFAULT_FOLLOW, followEvents } from '../core/follow.js';
import { NodeSync } from '../core/node-sync.js';
import { nodeParams } from '../core/nodes.js';
import { ServiceSync } from '../core/sync.js';
import { Dispatcher } from '../delivery/dispatcher.js';
import { httpTransport } from '../delivery/http-transport.js';
import { limitConcurrency } from '../delivery/limit.js';
import { createSender } from '../delivery/sender.js';
import { createSwarmApi } from '../docker/swarm-api.js';
import type { ListenerConfig } from '../env.js';
import { createMetrics } from '../metrics.js';

/** How long get-services waits for the first reconcile before answering 503. */
const READY_WAIT_MS = 10_000;
/** Notification requests in flight at once (see delivery/limit.ts). */
const MAX_IN_FLIGHT = 128;

export interface ListenerOptions {
  readonly logger?: Logger;
  /** Extra fields of the start log line (app/run.ts adds the memory profile). */
  readonly startInfo?: Readonly<Record<string, unknown>>;
}

/** A whole listener (Docker events and reconciles, delivery, API), started and stopped as one. */
export interface ListenerHandle {
  /** Listens, then follows Docker events (or polls) and reconciles periodically. */
  start(): Promise<void>;
  /** Stops following Docker, aborts notifications in flight, closes the API. */
  stop(): Promise<void>;
  /** Where the API listens, once started. */
  readonly address: AddressInfo | undefined;
}

/**
 * The composition root: the only place that wires the listener together. Creating it has no side
 * effect; `start()` does the I/O. app/run.ts calls it for `node dist/main.js`, tests call it to
 * run a whole listener in-process.
 */
export function createListener(cfg: ListenerConfig, opts: ListenerOptions = {}): ListenerHandle {
  const log = opts.logger ?? createLogger('swarm-listener', { level: cfg.logLevel, format: cfg.logFormat });
  const metrics = createMetrics({ defaults: true });
  const api = createSwarmApi(cfg.dockerHost, cfg.dockerTls);
  const transport = limitConcurrency(httpTransport(authorizationHeaders(cfg.auth)), MAX_IN_FLIGHT);
  const policy = { attempts: cfg.retries, intervalMs: cfg.retryIntervalMs, timeoutMs: cfg.notifyTimeoutMs };
  const dispatcher = new Dispatcher(
    { create: cfg.createEndpoints, remove: cfg.removeEndpoints },
    createSender(transport, policy, log, metrics),
    MAX_IN_FLIGHT,
  );
  // Node notifications: same delivery rules, their own ordering per node ID.
  const nodeDispatcher = new Dispatcher(
    { create: cfg.createNodeEndpoints, remove: cfg.removeNodeEndpoints },
    createSender(transport, policy, log, metrics, 'node'),
  );
  const nodeSync =
    cfg.createNodeEndpoints.length + cfg.removeNodeEndpoints.length > 0
      ? new NodeSync({ api, notify: (n) => void nodeDispatcher.submit(n), log, metrics })
      : null;
  const sync = new ServiceSync({
    api,
    notify: (n) => void dispatcher.submit(n),
    log,
    metrics,
    opts: {
      notifyLabel: cfg.notifyLabel,
      serviceNamePrefix: cfg.serviceNamePrefix,
      notifyImmediately: cfg.notifyImmediately,
      includeNodeInfo: cfg.includeNodeInfo,
      taskPollMs: 50,
      taskWaitMs: 60_000,
    },
  });

  const stopCtl = new AbortController();
  const http: Server = createServer(
    createApi({
      registry: metrics.registry,
      auth: cfg.auth,
      notifyServices: () => void sync.reconcile({ force: true }),
      nodes: async () => (await api.listNodes()).map(nodeParams),
      services: async () => {
        if (!sync.isReady()) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            sync.ready(),
            new Promise((_, reject) => {
              timer = setTimeout(
                () => reject(new Error('the first reconcile with Docker has not finished yet')),
                READY_WAIT_MS,
              );
            }),
          ]).finally(() => clearTimeout(timer));
        }
        return sync.services();
      },
    }),
  );
  const timers: NodeJS.Timeout[] = [];
  let stopped: Promise<void> | undefined;

  return {
    get address() {
      const a = http.address();
      return a && typeof a === 'object' ? a : undefined;
    },

    async start() {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(cfg.apiPort, () => resolve());
      });
      log.info('swarm listener started', {
        apiPort: cfg.apiPort,
        dockerHost: cfg.dockerHost,
        dockerTls: cfg.dockerTls !== undefined,
        createUrls: cfg.createEndpoints.map((e) => `${e.method} ${e.url}`),
        removeUrls: cfg.removeEndpoints.map((e) => `${e.method} ${e.url}`),
        createNodeUrls: cfg.createNodeEndpoints.map((e) => e.url),
        removeNodeUrls: cfg.removeNodeEndpoints.map((e) => e.url),
        events: cfg.useEvents,
        reconcileIntervalMs: cfg.reconcileIntervalMs,
        retries: cfg.retries,
        retryIntervalMs: cfg.retryIntervalMs,
        ...opts.startInfo,
      });
      if (cfg.createEndpoints.length === 0)
        log.warn('DF_NOTIFY_CREATE_SERVICE_URL is empty: nothing will be notified');

      // Node events matter for node notifications and, through task placement, for nodeInfo.
      const kinds = {
        services: cfg.useEvents,
        nodes: cfg.useNodeEvents && (nodeSync !== null || cfg.includeNodeInfo),
      };
      if (kinds.services || kinds.nodes) {
        // The first reconcile runs once the stream is open, so no change falls between the two.
        void followEvents(
          api,
          {
            onEvent: (e) => {
              if (e.action !== 'node') return sync.onEvent(e);
              void nodeSync?.reconcile();
              if (cfg.includeNodeInfo) void sync.reconcile();
            },
            onOpen: () => {
              void sync.reconcile();
              void nodeSync?.reconcile();
            },
            onReconnect: () => metrics.reconnects.inc(),
          },
          log,
          stopCtl.signal,
          DEFAULT_FOLLOW,
          kinds,
        );
      } else {
        void sync.reconcile();
        void nodeSync?.reconcile();
      }
      timers.push(setInterval(() => void sync.reconcile(), cfg.reconcileIntervalMs));
      if (nodeSync) timers.push(setInterval(() => void nodeSync.reconcile(), cfg.nodeReconcileIntervalMs));
      // Until the first reconcile succeeds (Docker not reachable yet), retry it every second.
      const firstTry = setInterval(() => {
        if (sync.isReady()) clearInterval(firstTry);
        else void sync.reconcile();
      }, 1000);
      timers.push(firstTry);
    },

    stop() {
      stopped ??= (async () => {
        stopCtl.abort();
        sync.stop();
        dispatcher.abortAll();
        nodeDispatcher.abortAll();
        for (const t of timers) clearInterval(t);
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
