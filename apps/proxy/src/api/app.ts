import express, { type NextFunction, type Request, type Response } from 'express';
import {
  authorizationHeaders,
  authorized,
  WWW_AUTHENTICATE,
  type ApiCredentials,
  type Logger,
} from '@flowproxy/runtime';
import type { ProxyControl } from '../control/control.js';
import type { Result } from '../control/result.js';
import type { Distribute } from '../distribute/distribute.js';
import type { PeerResolver } from '../distribute/peers.js';
import type { CertEntry } from '../state/certs.js';
import type { Metrics } from '../metrics.js';
import type { ReloadPipeline } from '../reload/pipeline.js';
import { registerStatus, type StatusDeps } from '../status/http.js';
import type { Readiness } from '../sync/readiness.js';
import { maskConfigText, maskSpec } from './mask.js';
import { registerCertRoutes } from './cert-routes.js';
import { registerMetricsRoutes, type MetricsRouteDeps } from './metrics-routes.js';
import { errorReply, toReply, type Reply } from './reply.js';
import { requestContext } from './request-id.js';

export const API_PREFIX = '/v1/docker-flow-proxy';

/** The use cases behind the routes: control/ and distribute/, or fakes in the supertest suite. */
export interface ApiDeps {
  readonly control: Pick<
    ProxyControl,
    'reconfigure' | 'remove' | 'reload' | 'putCert' | 'warnings' | 'manual'
  >;
  /** The routing state as served: hash and version (headers), services, rejections, running config. */
  readonly pipeline: Pick<ReloadPipeline, 'hash' | 'version' | 'services' | 'rejected' | 'runningConfig'>;
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
  /** `GET /certs`: what this replica holds (state/certs.ts reads the files). */
  readonly certEntries: () => readonly CertEntry[];
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

/** What a route answers: a use case's result (mapped by toReply), a ready reply, or nothing (it sent itself). */
type Answer = { readonly result: Result } | { readonly reply: Reply } | void;
/** Express 5 handlers may be async; a thrown error reaches the JSON error handler. */
type Handler = (req: Request, res: Response) => Promise<Answer>;

/** express/body-parser errors (malformed JSON, too large, unsupported charset) as catalogued replies. */
function bodyErrorReply(err: Error & { status?: number }): Reply | undefined {
  if (err.status === 413) return errorReply('BODY_TOO_LARGE', err.message);
  if (err.status === 415) return errorReply('BODY_UNSUPPORTED', err.message);
  if (err.status !== undefined && err.status >= 400 && err.status < 500)
    return errorReply('BODY_INVALID', err.message);
  return undefined;
}

export function createApp(deps: ApiDeps): express.Express {
  const { control, pipeline, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestContext);

  /** Every response carries the state it answers from (set first, refreshed when a reply is sent). */
  const stateHeaders = (res: Response): void => {
    res.setHeader('X-Flowproxy-State', pipeline.hash);
    res.setHeader('X-Flowproxy-State-Version', String(pipeline.version));
  };
  const send = (res: Response, reply: Reply): void => {
    stateHeaders(res);
    res.status(reply.status).json(reply.body);
  };
  app.use((_req, res, next) => {
    stateHeaders(res);
    next();
  });
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
    res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    send(
      res,
      errorReply('UNAUTHORIZED', 'this API requires API_USER/API_PASS (basic) or API_TOKEN (bearer)'),
    );
  });

  const route = (path: string, fn: Handler, ...pre: express.RequestHandler[]): void => {
    app.all([`${API_PREFIX}/${path}`], ...pre, async (req: Request, res: Response) => {
      const answer = await fn(req, res);
      if (!answer) return;
      send(res, 'result' in answer ? toReply(answer.result) : answer.reply);
    });
  };

  const parsers = [express.json({ limit: '5mb' }), express.urlencoded({ extended: false, limit: '5mb' })];

  route(
    'reconfigure',
    async (req) => {
      const input = inputOf(req);
      return {
        result: await deps.distribute('reconfigure', input, () => control.reconfigure(input)),
      };
    },
    ...parsers,
  );

  route(
    'remove',
    async (req) => {
      const input = inputOf(req);
      return { result: await deps.distribute('remove', input, () => control.remove(input)) };
    },
    ...parsers,
  );

  route('reload', async (req) => {
    const q = new URL(req.originalUrl, 'http://local').searchParams;
    if (q.get('fromListener')?.toLowerCase() === 'true') {
      if (!deps.notifyListener)
        return { reply: errorReply('NO_LISTENER', 'fromListener=true needs LISTENER_ADDRESS') };
      try {
        await deps.notifyListener();
      } catch (e) {
        return { reply: errorReply('LISTENER_UNREACHABLE', (e as Error).message) };
      }
      return {
        reply: {
          status: 200,
          body: { Status: 'OK', Message: 'the listener was asked to send every service' },
        },
      };
    }
    return { result: await control.reload() };
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
        reply: {
          status: 200,
          body: {
            version: pipeline.version,
            hash: pipeline.hash,
            services,
            rejected: Object.fromEntries(pipeline.rejected),
            // Kept by the listener resync until the listener's definition changes (docs/MIGRATING.md).
            manual: control.manual.list(),
          },
        },
      };
    }
    const cfg = pipeline.runningConfig;
    if (cfg === undefined) return { reply: errorReply('NO_CONFIG', 'no configuration has been written yet') };
    stateHeaders(res);
    res.status(200).type('text/plain').send(maskConfigText(cfg));
  });

  route('ping', async () => ({ reply: { status: 200, body: { Status: 'OK', Message: '' } } }));

  route('successfulinitreload', async () => ({
    reply: deps.readiness().initialSync
      ? { status: 200, body: { Status: 'OK', Message: '' } }
      : errorReply('NOT_READY', 'the initial state from the listener is not applied yet'),
  }));

  // The container healthcheck (liveness): HAProxy serves. Never the listener: start-up waits for it
  // (LISTENER_WAIT at most) before HAProxy binds and this API listens.
  route('healthy', async () => {
    const r = deps.readiness();
    return {
      reply: r.healthy
        ? {
            status: 200,
            body: { Status: 'OK', Message: r.inSync ? '' : 'not in sync with the listener', ...r },
          }
        : errorReply('NOT_READY', 'waiting for the initial state from the listener (LISTENER_WAIT)', {
            ...r,
          }),
    };
  });

  // Readiness: in sync with the listener (its latest answer applied).
  route('ready', async () => {
    const r = deps.readiness();
    return {
      reply: r.inSync
        ? { status: 200, body: { Status: 'OK', Message: '', ...r } }
        : errorReply(
            'NOT_IN_SYNC',
            r.initialSync
              ? 'the latest resync from the listener failed: serving the last state applied'
              : 'the initial state from the listener is not applied yet: serving the saved state',
            { ...r },
          ),
    };
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
    certEntries: deps.certEntries,
    stateHeaders,
  });

  if (deps.status) registerStatus(app, API_PREFIX, deps.status);

  app.use((req, res) => {
    send(res, errorReply('NOT_FOUND', `unknown endpoint ${req.path}`));
  });

  app.use((err: Error & { status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const reply = bodyErrorReply(err);
    if (!reply) logger.error('request failed', { event: 'api.error', error: err.message });
    send(res, reply ?? errorReply('INTERNAL', err.message));
  });
  return app;
}
