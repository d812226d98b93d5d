// The only place that wires the listener together; main.ts loads it once the memory profile is set.
import { createServer } from 'node:http';
import { createLogger, EnvError } from '@flowproxy/runtime';
import { createApi } from './api/server.js';
import { DEFAULT_FOLLOW, followEvents } from './core/follow.js';
import { NodeSync } from './core/node-sync.js';
import { nodeParams } from './core/nodes.js';
import { ServiceSync } from './core/sync.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { httpTransport } from './delivery/http-transport.js';
import { limitConcurrency } from './delivery/limit.js';
import { createSender } from './delivery/sender.js';
import { createSwarmApi } from './docker/swarm-api.js';
import { loadListenerConfig, type ListenerConfig } from './env.js';
import { deferredModules, memoryFlags } from './memory.js';
import { createMetrics } from './metrics.js';

/** How long get-services waits for the first reconcile before answering 503. */
const READY_WAIT_MS = 10_000;
/** Notification requests in flight at once (see delivery/limit.ts). */
const MAX_IN_FLIGHT = 128;

function config(): ListenerConfig {
  try {
    return loadListenerConfig();
  } catch (e) {
    if (e instanceof EnvError) {
      createLogger('swarm-listener').error(e.message, { code: e.code, problems: e.problems });
      process.exit(2);
    }
    throw e;
  }
}

const cfg = config();
const log = createLogger('swarm-listener', { level: cfg.logLevel });
const metrics = createMetrics({ defaults: true });
const api = createSwarmApi(cfg.dockerHost, cfg.dockerTls);
const transport = limitConcurrency(httpTransport, MAX_IN_FLIGHT);
const policy = { attempts: cfg.retries, intervalMs: cfg.retryIntervalMs, timeoutMs: cfg.notifyTimeoutMs };
const dispatcher = new Dispatcher(
  { create: cfg.createEndpoints, remove: cfg.removeEndpoints },
  createSender(transport, policy, log, metrics),
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

const stop = new AbortController();
const http = createServer(
  createApi({
    registry: metrics.registry,
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
http.listen(cfg.apiPort, () => {
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
    memory: { v8Flags: memoryFlags, deferredModules },
  });
  if (cfg.createEndpoints.length === 0)
    log.warn('DF_NOTIFY_CREATE_SERVICE_URL is empty: nothing will be notified');
});

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
    stop.signal,
    DEFAULT_FOLLOW,
    kinds,
  );
} else {
  void sync.reconcile();
  void nodeSync?.reconcile();
}
const timer = setInterval(() => void sync.reconcile(), cfg.reconcileIntervalMs);
const nodeTimer = nodeSync
  ? setInterval(() => void nodeSync.reconcile(), cfg.nodeReconcileIntervalMs)
  : undefined;
// Until the first reconcile succeeds (Docker not reachable yet), retry it every second.
const firstTry = setInterval(() => {
  if (sync.isReady()) clearInterval(firstTry);
  else void sync.reconcile();
}, 1000);

function shutdown(signal: string): void {
  log.info('stopping', { signal });
  stop.abort();
  sync.stop();
  dispatcher.abortAll();
  nodeDispatcher.abortAll();
  clearInterval(timer);
  clearInterval(nodeTimer);
  clearInterval(firstTry);
  http.close();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
