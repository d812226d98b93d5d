import { mkdirSync, renameSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ServiceSpec } from '@flowproxy/protocol';
import { authorizationHeaders, createLogger, type ApiCredentials, type Logger } from '@flowproxy/runtime';
import { API_PREFIX, createApp } from '../api/app.js';
import { incrementalRenderer } from '../config/render.js';
import { ProxyControl } from '../control/control.js';
import { createDistribute } from '../distribute/distribute.js';
import { dnsPeers, staticPeers } from '../distribute/peers.js';
import type { ProxyConfig } from '../env.js';
import { PROXY_ERRORS } from '../errors/catalogue.js';
import { checkConfig } from '../haproxy/check.js';
import { HaproxyError, HaproxyMaster, runtimePaths } from '../haproxy/master.js';
import { applyMapEdits, RuntimeApiError } from '../haproxy/runtime-api.js';
import {
  acquireRuntimeLock,
  ensureRuntimeDir,
  RuntimeDirError,
  type RuntimeLock,
} from '../haproxy/runtime-lock.js';
import { fetchHaproxyMetrics, fetchStatsCsv, metricsSocketPath } from '../haproxy/stats.js';
import { createMetrics } from '../metrics.js';
import { CFG_NAME } from '../reload/files.js';
import { ReloadPipeline } from '../reload/pipeline.js';
import { makeRender } from '../render-adapter.js';
import { firstResolutionStart } from './warm-start.js';
import { certEntries, certFileReader, listCerts, usableCerts } from '../state/certs.js';
import { usersResolver } from '../state/users.js';
import { preferCerts } from '../state/cert-order.js';
import { syncCertsFromPeers } from '../distribute/cert-sync.js';
import { deferredSaver, loadState, stateFile } from '../state/persist.js';
import { ListenerSync, listenerBase, notifyServices } from '../sync/listener.js';
import { readiness, type Readiness } from '../sync/readiness.js';
import { statusDeps } from '../status/deps.js';
import { ChangeJournal } from '../status/journal.js';

export interface ProxyOptions {
  /** Services defined by `DFP_SERVICE_*` variables (env.ts envServices()); the resync keeps them. */
  readonly envServices?: readonly Readonly<Record<string, string>>[];
  /** Upstream variables that are set but not used (env.ts ignoredEnv()), logged at start. */
  readonly ignoredEnv?: readonly { readonly name: string; readonly reason: string }[];
  readonly logger?: Logger;
}

/**
 * Start-up problems only the operator can fix (an unusable or taken RUNTIME_DIR, a foreign HAProxy
 * master in it): app/run.ts logs them with their code and exits 1.
 */
export function isOperatorError(e: unknown): e is Error & { code: string } {
  return e instanceof RuntimeDirError || (e instanceof HaproxyError && e.code === 'HAPROXY_FOREIGN_MASTER');
}

/** A whole proxy (API, reload pipeline, HAProxy, listener sync), started and stopped as one. */
export interface ProxyHandle {
  /** Loads the saved state, starts (or adopts) HAProxy, applies env services, listens, syncs. */
  start(): Promise<void>;
  /** Stops the sync and the API, lets the pipeline finish (bounded), stops HAProxy. */
  stop(): Promise<void>;
  /** Where the API listens, once started. */
  readonly address: AddressInfo | undefined;
}

/**
 * The composition root: the only place that wires the proxy together. Creating it has no side
 * effect; `start()` does the I/O. app/run.ts calls it for `node dist/main.js`, tests call it to run
 * a whole proxy in-process.
 */
export function createProxy(cfg: ProxyConfig, opts: ProxyOptions = {}): ProxyHandle {
  const logger = opts.logger ?? createLogger('proxy', { level: cfg.logLevel, format: cfg.logFormat });
  const metrics = createMetrics();
  const master = new HaproxyMaster({
    bin: cfg.haproxyBin,
    cfgFile: join(cfg.configDir, CFG_NAME),
    runtimeDir: cfg.runtimeDir,
    logger,
  });
  const usable = usableCerts((file, reason) =>
    logger.error('certificate skipped: HAProxy could not load it', { event: 'cert.skip', file, reason }),
  );
  const certs = (): string[] =>
    preferCerts(usable(listCerts(cfg.certsDir, cfg.secretsDir, cfg.certs)), cfg.preferredCertificate);
  const statePath = stateFile(cfg.configDir);
  const saver = deferredSaver(statePath, (e) =>
    logger.error('state.json not written: routes serve, a restart would not have this change', {
      event: 'state.save',
      error: e.message,
    }),
  );
  let haproxyStarted: Promise<unknown> | undefined;
  let haproxyServing = false;
  // One resolver for validation (ControlReads) and rendering: both read the same secrets the same way.
  const users = usersResolver(cfg.secretsDir, cfg.users);
  const pipeline = new ReloadPipeline({
    configDir: cfg.configDir,
    certsDir: cfg.certsDir,
    scratchDir: join(cfg.runtimeDir, 'scratch'),
    render: makeRender(cfg, incrementalRenderer(), logger, users),
    check: (file) => checkConfig(cfg.haproxyBin, file),
    // Before HAProxy first starts (start-up, see startUp) a change only writes the files it will
    // be started with; after that every reload waits for the start.
    reload: () => (haproxyStarted ? haproxyStarted.then(() => master.reload()) : Promise.resolve()),
    // Map edits: the files are written first (pipeline), so before the start there is nothing else
    // to do; while HAProxy starts it may or may not have read them, so that case reloads.
    runtime: (edits) =>
      !haproxyStarted
        ? Promise.resolve()
        : !haproxyServing
          ? Promise.reject(new RuntimeApiError('HAProxy is starting'))
          : applyMapEdits(
              runtimePaths(cfg.runtimeDir).masterSock,
              edits,
              (file) => `${cfg.configDir}/${file}`,
            ),
    listCerts: certs,
    persist: (services) => saver.save(services),
    delayMs: cfg.reloadDelayMs,
    logger,
    metrics,
  });
  const journal = new ChangeJournal(50);
  const control = new ProxyControl(
    pipeline,
    {
      separator: cfg.separator,
      allowRawConfig: cfg.allowRawConfig,
      unknownParams: cfg.unknownParams,
      filterProxyInstanceName: cfg.filterProxyInstanceName,
      proxyInstanceName: cfg.proxyInstanceName,
      resyncRemoveAfterMs: cfg.resyncRemoveAfter,
    },
    { users, certFile: certFileReader(cfg.certsDir) },
    logger,
    metrics,
    journal,
  );

  const bases = cfg.listenerAddress
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0)
    .map(listenerBase);
  const peers = cfg.peers.length > 0 ? staticPeers(cfg.peers) : dnsPeers(cfg.serviceName, cfg.apiPort);
  // Required from API callers when set, and sent to the listener and the other replicas.
  const auth: ApiCredentials = { user: cfg.apiUser, pass: cfg.apiPass, token: cfg.apiToken };
  const authHeaders = authorizationHeaders(auth);
  // Services defined by DFP_SERVICE_* variables, as upstream; the listener resync keeps them.
  const pinned = new Set<string>();
  const app = createApp({
    control,
    pipeline,
    metrics,
    logger,
    readiness: () => currentReadiness(),
    distribute: createDistribute({
      control,
      peers,
      timeoutMs: cfg.distributeTimeoutMs,
      logger,
      headers: authHeaders,
    }),
    peers,
    distributeTimeoutMs: cfg.distributeTimeoutMs,
    auth,
    ...(bases.length > 0
      ? {
          notifyListener: async () => {
            await Promise.all(bases.map((b) => notifyServices(b, 5000, authHeaders)));
          },
        }
      : {}),
    certEntries: () => certEntries(certs(), cfg.secretsDir),
    haproxyMetrics: () => fetchHaproxyMetrics(metricsSocketPath(cfg.runtimeDir), cfg.haproxyMetricsScope),
    statsCsv: () => fetchStatsCsv(runtimePaths(cfg.runtimeDir).adminSock),
    status: statusDeps({
      cfg,
      apiPrefix: API_PREFIX,
      pipeline,
      journal,
      warnings: () => control.warnings.all(),
      readiness: () => currentReadiness(),
      sync: () => sync,
      listenerBases: bases,
      peers,
    }),
  });
  let startedAt = Date.now();
  const sync =
    bases.length > 0
      ? new ListenerSync({
          bases,
          intervalMs: cfg.reloadInterval,
          repeat: cfg.repeatReload,
          maxBytes: cfg.resyncMaxBytes,
          headers: authHeaders,
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
  // Liveness: the API listens only once HAProxy serves (start-up waits LISTENER_WAIT at most).
  const currentReadiness = (): Readiness => readiness(sync?.status, haproxyStarted !== undefined);
  const publishReadiness = (): void => {
    const r = currentReadiness();
    metrics.ready.set(r.initialSync ? 1 : 0);
    metrics.inSync.set(r.inSync ? 1 : 0);
  };
  let server: Server | undefined;
  let lock: RuntimeLock | undefined;
  let stopped: Promise<void> | undefined;

  const loadSaved = (): ServiceSpec[] => {
    try {
      return loadState(statePath);
    } catch (e) {
      logger.error('saved state unreadable, starting empty (kept as state.json.corrupt)', {
        event: 'state.load',
        error: (e as Error).message,
      });
      renameSync(statePath, `${statePath}.corrupt`);
      return [];
    }
  };

  /**
   * Everything that decides what the replica serves happens before HAProxy first binds the public
   * ports: the saved state, DFP_SERVICE_* services, the peers' certificates and, with
   * LISTENER_ADDRESS, the listener's services (bounded by LISTENER_WAIT). A replica that starts on
   * a node coming back thus never answers 503 for a route the listener knows; until it binds,
   * clients get a refused connection, which a load balancer in front treats as a node without a
   * proxy. After LISTENER_WAIT it serves what it has and `ready` says it is not in sync.
   */
  const startUp = async (): Promise<void> => {
    const dropped = await pipeline.prepare(loadSaved());
    for (const d of dropped)
      logger.warn('saved service no longer valid, dropped', {
        event: 'state.load',
        serviceName: d.name,
        message: d.message,
      });
    for (const { name, reason } of opts.ignoredEnv ?? []) {
      logger.warn(`${name} is set but not used: ${reason}`, { event: 'env.ignored', variable: name });
    }
    for (const input of opts.envServices ?? []) {
      const result = await control.reconfigure(input);
      if (result.ok) pinned.add(String(input.serviceName));
      else
        logger.error('env-defined service rejected', {
          event: 'env.service',
          serviceName: input.serviceName,
          status: PROXY_ERRORS[result.code].status,
          code: result.code,
          message: result.message,
        });
    }
    // The resync starts now and goes on after start-up (fast retries until its first success).
    sync?.start();
    const [, synced] = await Promise.all([
      // As upstream at start: the certificates other replicas hold, before this one serves.
      syncCertsFromPeers({
        peers,
        timeoutMs: cfg.distributeTimeoutMs,
        pauseMs: cfg.dnsLookupPauseMs,
        headers: authHeaders,
        certsDir: cfg.certsDir,
        pipeline,
        logger,
      }),
      sync?.initialSync(startedAt + cfg.listenerWait - Date.now()),
    ]);
    if (synced === false)
      logger.warn('no state from the listener within LISTENER_WAIT: serving what this replica has', {
        event: 'sync.wait',
        listenerWaitMs: cfg.listenerWait,
        services: pipeline.services.size,
      });
    // Stopped while waiting (SIGTERM during start-up): HAProxy must not be started after stop().
    if (stopped) return;
    const starting = master.startOrAdopt(
      firstResolutionStart({
        cfgFile: join(cfg.configDir, CFG_NAME),
        adminSock: runtimePaths(cfg.runtimeDir).adminSock,
        running: () => pipeline.runningConfig,
        logger,
      }),
    );
    haproxyStarted = starting.catch(() => undefined);
    const how = await starting;
    haproxyServing = true;
    master.onRestart = () =>
      logger.warn('HAProxy was restarted with the current configuration', { event: 'haproxy.restart' });
    logger.info('HAProxy serving', {
      event: 'state.load',
      services: pipeline.services.size,
      haproxy: how,
      version: pipeline.version,
      inSync: sync?.status.inSync ?? true,
      startupMs: Date.now() - startedAt,
    });
    const listening = app.listen(cfg.apiPort);
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', () => resolve());
      listening.once('error', reject);
    });
    logger.info('API listening', { event: 'api.listen', port: cfg.apiPort });
    listening.keepAliveTimeout = 5000;
    publishReadiness();
  };

  return {
    get address() {
      const a = server?.address();
      return a && typeof a === 'object' ? a : undefined;
    },

    async start() {
      startedAt = Date.now();
      for (const dir of [cfg.configDir, cfg.certsDir]) mkdirSync(dir, { recursive: true });
      ensureRuntimeDir(cfg.runtimeDir);
      lock = acquireRuntimeLock(cfg.runtimeDir);
      try {
        await startUp();
      } catch (e) {
        lock.release();
        throw e;
      }
    },

    stop() {
      stopped ??= (async () => {
        sync?.stop();
        server?.close();
        server?.closeAllConnections();
        await Promise.race([pipeline.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
        saver.flush();
        await master.stop();
        lock?.release();
      })();
      return stopped;
    },
  };
}
