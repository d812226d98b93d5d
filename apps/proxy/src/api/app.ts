import express, { type NextFunction, type Request, type Response } from 'express';
import {
  authorizationHeaders,
  authorized,
  WWW_AUTHENTICATE,
  type ApiCredentials,
  type Logger,
} from '@flowproxy/runtime';
import { errorReply, type ProxyControl, type Reply } from '../control/control.js';
import type { Distribute } from '../distribute/distribute.js';
import type { PeerResolver } from '../distribute/peers.js';
import type { Metrics } from '../metrics.js';
import type { ReloadPipeline } from '../reload/pipeline.js';
import { registerStatus, type StatusDeps } from '../status/http.js';
import type { Readiness } from '../sync/readiness.js';
import { maskConfigText, maskSpec } from './mask.js';
import { registerCertRoutes } from './cert-routes.js';
import { registerMetricsRoutes, type MetricsRouteDeps } from './metrics-routes.js';
import { requestContext } from './request-id.js';

export const API_PREFIX = '/v1/docker-flow-proxy';

export interface ApiDeps {
  readonly control: ProxyControl;
  readonly pipeline: ReloadPipeline;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Initial sync, current sync and health (see sync/readiness.ts). */
  readonly readiness: () => Readiness;
  /** Applies a reconfigure/remove locally or, with distribute=true, on every replica. */
  readonly distribute: Distribute;
  /** Replicas and how long each may take: `metrics?distribute=true` gathers their statistics. */
  readonly peers: PeerResolver;
  readonly distributeTimeoutMs: number;
  /** API credentials: required from callers when set, and sent to the other replicas. */
  readonly auth: ApiCredentials;
  /** Asks the listener(s) to send every service again (`reload?fromListener=true`). */
  readonly notifyListener?: () => Promise<void>;
  readonly listCerts: () => string[];
  readonly secretsDir: string;
  readonly haproxyMetrics: MetricsRouteDeps['haproxyMetrics'];
  readonly statsCsv: MetricsRouteDeps['statsCsv'];
  /** The status page (`/`) and `status` endpoint; absent in tests that do not need it. */
  readonly status?: StatusDeps;
}

/**
 * Query string and body (urlencoded or JSON) as one input; a name given in both must agree. Names
 * are data: a Map and a prototype-less result, so `__proto__`, `constructor` or `toString` are just
 * (unknown) parameter names, never properties of Object.prototype.
 */
function inputOf(req: Request): Record<string, unknown> {
  const values = new Map<string, unknown[]>();
  const add = (k: string, v: unknown): void => {
    const list = values.get(k);
    if (list) list.push(v);
    else values.set(k, [v]);
  };
  for (const [k, v] of new URL(req.originalUrl, 'http://local').searchParams) add(k, v);
  const body: unknown = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) add(k, v);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of values) out[k] = v.length === 1 ? v[0] : v;
  return out;
}

/** Express 5 handlers may be async; a thrown error reaches the JSON error handler. */
type Handler = (req: Request, res: Response) => Promise<Reply | void>;

export function createApp(deps: ApiDeps): express.Express {
  const { control, pipeline, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext);

  const stateHeaders = (res: Response): void => {
    res.setHeader('X-Flowproxy-State', pipeline.hash);
    res.setHeader('X-Flowproxy-State-Version', String(pipeline.version));
  };
  // API authentication (API_USER/API_PASS, API_TOKEN): first, so that every endpoint registered
  // after it, status pages included, requires it; liveness stays open for the container healthcheck.
  const open = new Set([`${API_PREFIX}/ping`, `${API_PREFIX}/healthy`]);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (open.has(req.path.replace(/\/+$/, '')) || authorized(req.headers.authorization, deps.auth))
      return next();
    logger.warn('API request refused: no valid credentials', {
      event: 'api.unauthorized',
      path: req.path,
      remote: req.socket.remoteAddress,
    });
    stateHeaders(res);
    res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    const r = errorReply(
      401,
      'UNAUTHORIZED',
      'this API requires API_USER/API_PASS (basic) or API_TOKEN (bearer)',
    );
    res.status(401).json(r.body);
  });
  const route = (path: string, fn: Handler, ...pre: express.RequestHandler[]): void => {
    app.all([`${API_PREFIX}/${path}`], ...pre, async (req: Request, res: Response) => {
      const reply = await fn(req, res);
      if (!reply) return;
      stateHeaders(res);
      res.status(reply.status).json(reply.body);
    });
  };

  const parsers = [express.json({ limit: '5mb' }), express.urlencoded({ extended: false, limit: '5mb' })];

  route(
    'reconfigure',
    async (req) => {
      const input = inputOf(req);
      return deps.distribute('reconfigure', input, () => control.reconfigure(input));
    },
    ...parsers,
  );

  route(
    'remove',
    async (req) => {
      const input = inputOf(req);
      return deps.distribute('remove', input, () => control.remove(input));
    },
    ...parsers,
  );

  route('reload', async (req) => {
    const q = new URL(req.originalUrl, 'http://local').searchParams;
    if (q.get('fromListener')?.toLowerCase() === 'true') {
      if (!deps.notifyListener)
        return errorReply(400, 'NO_LISTENER', 'fromListener=true needs LISTENER_ADDRESS');
      try {
        await deps.notifyListener();
      } catch (e) {
        return errorReply(500, 'LISTENER_UNREACHABLE', (e as Error).message);
      }
      return { status: 200, body: { Status: 'OK', Message: 'the listener was asked to send every service' } };
    }
    return control.reload();
  });

  route('config', async (req, res) => {
    const q = new URL(req.originalUrl, 'http://local').searchParams;
    if (q.get('type') === 'json') {
      const services = Object.fromEntries(
        [...pipeline.services]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => {
            const warnings = control.warnings.get(k);
            return [k, warnings ? { ...maskSpec(v), warnings } : maskSpec(v)];
          }),
      );
      return {
        status: 200,
        body: {
          version: pipeline.version,
          hash: pipeline.hash,
          services,
          rejected: Object.fromEntries(pipeline.rejected),
          // Kept by the listener resync until the listener's definition changes (docs/MIGRATING.md).
          manual: control.manual.list(),
        },
      };
    }
    const cfg = pipeline.runningConfig;
    stateHeaders(res);
    if (cfg === undefined) {
      res.status(500).json(errorReply(500, 'NO_CONFIG', 'no configuration has been written yet').body);
      return;
    }
    res.status(200).type('text/plain').send(maskConfigText(cfg));
  });

  route('ping', async () => ({ status: 200, body: { Status: 'OK', Message: '' } }));

  route('successfulinitreload', async () =>
    deps.readiness().initialSync
      ? { status: 200, body: { Status: 'OK', Message: '' } }
      : errorReply(503, 'NOT_READY', 'the initial state from the listener is not applied yet'),
  );

  // The container healthcheck (liveness): depends on the listener for LISTENER_WAIT at most.
  route('healthy', async () => {
    const r = deps.readiness();
    return r.healthy
      ? {
          status: 200,
          body: { Status: 'OK', Message: r.inSync ? '' : 'not in sync with the listener', ...r },
        }
      : errorReply(503, 'NOT_READY', 'waiting for the initial state from the listener (LISTENER_WAIT)', [], {
          ...r,
        });
  });

  // Readiness: in sync with the listener (its latest answer applied).
  route('ready', async () => {
    const r = deps.readiness();
    return r.inSync
      ? { status: 200, body: { Status: 'OK', Message: '', ...r } }
      : errorReply(
          503,
          'NOT_IN_SYNC',
          r.initialSync
            ? 'the latest resync from the listener failed: serving the last state applied'
            : 'the initial state from the listener is not applied yet: serving the saved state',
          [],
          { ...r },
        );
  });

  registerMetricsRoutes(app, API_PREFIX, {
    metrics,
    logger,
    ready: () => deps.readiness().initialSync,
    haproxyMetrics: deps.haproxyMetrics,
    statsCsv: deps.statsCsv,
    peers: deps.peers,
    distributeTimeoutMs: deps.distributeTimeoutMs,
    peerHeaders: authorizationHeaders(deps.auth),
    stateHeaders,
  });

  registerCertRoutes(app, API_PREFIX, {
    control,
    logger,
    peers: deps.peers,
    distributeTimeoutMs: deps.distributeTimeoutMs,
    peerHeaders: authorizationHeaders(deps.auth),
    listCerts: deps.listCerts,
    secretsDir: deps.secretsDir,
    stateHeaders,
  });

  if (deps.status) registerStatus(app, API_PREFIX, deps.status);

  app.all(['/v1/docker-flow-proxy/{*rest}'], (req, res) => {
    stateHeaders(res);
    res.status(404).json(errorReply(404, 'NOT_FOUND', `unknown endpoint ${req.path}`).body);
  });

  app.use(
    (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      if (status === 500) logger.error('request failed', { event: 'api.error', error: err.message });
      // Every answer carries the state hash, malformed bodies and internal errors included.
      stateHeaders(res);
      res
        .status(status)
        .json(errorReply(status, status === 500 ? 'INTERNAL' : 'BAD_REQUEST', err.message).body);
    },
  );
  return app;
}
