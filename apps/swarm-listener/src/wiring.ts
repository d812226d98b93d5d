// The only place that wires the listener together; main.ts loads it once the memory profile is set.
import { createServer } from 'node:http';
import { createLogger, EnvError } from '@flowproxy/runtime';
import { createApi } from './api/server.js';
import { followEvents } from './core/follow.js';
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
const api = createSwarmApi(cfg.dockerHost);
const dispatcher = new Dispatcher(
  { create: cfg.createEndpoints, remove: cfg.removeEndpoints },
  createSender(
    limitConcurrency(httpTransport, MAX_IN_FLIGHT),
    { attempts: cfg.retries, intervalMs: cfg.retryIntervalMs, timeoutMs: cfg.notifyTimeoutMs },
    log,
    metrics,
  ),
);
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
    createUrls: cfg.createEndpoints.map((e) => `${e.method} ${e.url}`),
    removeUrls: cfg.removeEndpoints.map((e) => `${e.method} ${e.url}`),
    events: cfg.useEvents,
    reconcileIntervalMs: cfg.reconcileIntervalMs,
    retries: cfg.retries,
    retryIntervalMs: cfg.retryIntervalMs,
    memory: { v8Flags: memoryFlags, deferredModules },
  });
  if (cfg.createEndpoints.length === 0)
    log.warn('DF_NOTIFY_CREATE_SERVICE_URL is empty: nothing will be notified');
});

if (cfg.useEvents) {
  // The first reconcile runs once the stream is open, so no change falls between the two.
  void followEvents(
    api,
    {
      onEvent: (e) => sync.onEvent(e),
      onOpen: () => void sync.reconcile(),
      onReconnect: () => metrics.reconnects.inc(),
    },
    log,
    stop.signal,
  );
} else {
  void sync.reconcile();
}
const timer = setInterval(() => void sync.reconcile(), cfg.reconcileIntervalMs);
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
  clearInterval(timer);
  clearInterval(firstTry);
  http.close();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
