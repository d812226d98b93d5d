import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, EnvError } from '@flowproxy/runtime';
import { createApp } from './api/app.js';
import { renderConfig } from './config/render.js';
import { ProxyControl } from './control/control.js';
import { dnsPeers, staticPeers } from './distribute/peers.js';
import { envServices, ignoredEnv, loadProxyConfig, type ProxyConfig } from './env.js';
import { checkConfig } from './haproxy/check.js';
import { HaproxyError, HaproxyMaster, runtimePaths } from './haproxy/master.js';
import {
  acquireRuntimeLock,
  ensureRuntimeDir,
  RuntimeDirError,
  type RuntimeLock,
} from './haproxy/runtime-lock.js';
import { fetchHaproxyMetrics, fetchStatsCsv, metricsSocketPath } from './haproxy/stats.js';
import { createMetrics } from './metrics.js';
import { ReloadPipeline } from './reload/pipeline.js';
import { makeRender } from './render-adapter.js';
import { listCerts, usableCerts } from './state/certs.js';
import { loadState, saveState, stateFile } from './state/persist.js';
import type { ServiceSpec } from '@flowproxy/protocol';
import { ListenerSync, listenerBase, notifyServices } from './sync/listener.js';
import { readiness, type Readiness } from './sync/readiness.js';

// The only place that wires the proxy together; main.ts loads it once the memory profile is set.

let cfg: ProxyConfig;
try {
  cfg = loadProxyConfig();
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  process.stderr.write(
    `${JSON.stringify({ level: 'error', component: 'proxy', code: e.code, message: e.message })}\n`,
  );
  process.exit(1);
}
const logger = createLogger('proxy', { level: cfg.logLevel });
/** Start-up problems that only the operator can fix: logged with their code, then exit 1. */
const fatal = (e: Error & { code: string }): never => {
  logger.error(e.message, { event: 'start.failed', code: e.code });
  process.exit(1);
};
let lock: RuntimeLock;
try {
  for (const dir of [cfg.configDir, cfg.certsDir]) mkdirSync(dir, { recursive: true });
  ensureRuntimeDir(cfg.runtimeDir);
  lock = acquireRuntimeLock(cfg.runtimeDir);
} catch (e) {
  if (!(e instanceof RuntimeDirError)) throw e;
  fatal(e);
}

const metrics = createMetrics();
const master = new HaproxyMaster({
  bin: cfg.haproxyBin,
  cfgFile: join(cfg.configDir, 'haproxy.cfg'),
  runtimeDir: cfg.runtimeDir,
  logger,
});
const usable = usableCerts((file, reason) =>
  logger.error('certificate skipped: HAProxy could not load it', { event: 'cert.skip', file, reason }),
);
const certs = (): string[] => usable(listCerts(cfg.certsDir, cfg.secretsDir, cfg.certs));
const statePath = stateFile(cfg.configDir);
const pipeline = new ReloadPipeline({
  configDir: cfg.configDir,
  certsDir: cfg.certsDir,
  scratchDir: join(cfg.runtimeDir, 'scratch'),
  render: makeRender(cfg, renderConfig, logger),
  check: (file) => checkConfig(cfg.haproxyBin, file),
  reload: () => master.reload(),
  listCerts: certs,
  persist: (services) => saveState(statePath, services),
  delayMs: cfg.reloadDelayMs,
  logger,
  metrics,
});
const control = new ProxyControl(
  pipeline,
  {
    separator: cfg.separator,
    allowRawConfig: cfg.allowRawConfig,
    unknownParams: cfg.unknownParams,
    filterProxyInstanceName: cfg.filterProxyInstanceName,
    proxyInstanceName: cfg.proxyInstanceName,
    secretsDir: cfg.secretsDir,
    certsDir: cfg.certsDir,
    globalUsers: cfg.users,
    resyncRemoveAfterMs: cfg.resyncRemoveAfter,
  },
  logger,
  metrics,
);

let specs: ServiceSpec[] = [];
try {
  specs = loadState(statePath);
} catch (e) {
  logger.error('saved state unreadable, starting empty (kept as state.json.corrupt)', {
    event: 'state.load',
    error: (e as Error).message,
  });
  renameSync(statePath, `${statePath}.corrupt`);
}
const dropped = await pipeline.prepare(specs);
for (const d of dropped)
  logger.warn('saved service no longer valid, dropped', {
    event: 'state.load',
    serviceName: d.name,
    message: d.message,
  });
const how = await master
  .startOrAdopt()
  .catch((e: Error) =>
    e instanceof HaproxyError && e.code === 'HAPROXY_FOREIGN_MASTER' ? fatal(e) : Promise.reject(e),
  );
master.onRestart = () =>
  logger.warn('HAProxy was restarted with the current configuration', { event: 'haproxy.restart' });
logger.info('state loaded', {
  event: 'state.load',
  services: pipeline.services.size,
  haproxy: how,
  version: pipeline.version,
});

for (const { name, reason } of ignoredEnv()) {
  logger.warn(`${name} is set but not used: ${reason}`, { event: 'env.ignored', variable: name });
}
// Services defined by DFP_SERVICE_* variables, as upstream; the listener resync keeps them.
const pinned = new Set<string>();
for (const input of envServices()) {
  const reply = await control.reconfigure(input);
  if (reply.status === 200) pinned.add(String(input.serviceName));
  else
    logger.error('env-defined service rejected', {
      event: 'env.service',
      serviceName: input.serviceName,
      status: reply.status,
      message: reply.body.message,
    });
}

const bases = cfg.listenerAddress
  .split(',')
  .map((a) => a.trim())
  .filter((a) => a.length > 0)
  .map(listenerBase);
const startedAt = Date.now();
const sync =
  bases.length > 0
    ? new ListenerSync({
        bases,
        intervalMs: cfg.reloadInterval,
        repeat: cfg.repeatReload,
        maxBytes: cfg.resyncMaxBytes,
        apply: (inputs) => control.replaceAll(inputs, pinned),
        logger,
        onStatus: () => publishReadiness(),
        onReady: () =>
          logger.info('initial state from the listener applied: ready', {
            event: 'ready',
            services: pipeline.services.size,
          }),
      })
    : undefined;
const currentReadiness = (): Readiness => readiness(sync?.status, startedAt, cfg.listenerWait, Date.now());
const publishReadiness = (): void => {
  const r = currentReadiness();
  metrics.ready.set(r.initialSync ? 1 : 0);
  metrics.inSync.set(r.inSync ? 1 : 0);
};
const app = createApp({
  control,
  pipeline,
  metrics,
  logger,
  readiness: currentReadiness,
  peers: cfg.peers.length > 0 ? staticPeers(cfg.peers) : dnsPeers(cfg.serviceName, cfg.apiPort),
  distributeTimeoutMs: cfg.distributeTimeoutMs,
  ...(bases.length > 0
    ? {
        notifyListener: async () => {
          await Promise.all(bases.map((b) => notifyServices(b, 5000)));
        },
      }
    : {}),
  listCerts: certs,
  secretsDir: cfg.secretsDir,
  haproxyMetrics: () => fetchHaproxyMetrics(metricsSocketPath(cfg.runtimeDir), cfg.haproxyMetricsScope),
  statsCsv: () => fetchStatsCsv(runtimePaths(cfg.runtimeDir).adminSock),
});
const server = app.listen(cfg.apiPort, () =>
  logger.info('API listening', { event: 'api.listen', port: cfg.apiPort }),
);
server.keepAliveTimeout = 5000;

publishReadiness();
sync?.start();

let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { event: 'stop', signal });
  sync?.stop();
  server.close();
  server.closeAllConnections();
  await Promise.race([pipeline.idle(), new Promise((r) => setTimeout(r, 5000))]);
  await master.stop();
  lock.release();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
