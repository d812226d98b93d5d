import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import {
  authorized,
  errorBody,
  NO_API_AUTH,
  WWW_AUTHENTICATE,
  type ApiCredentials,
} from '@flowproxy/runtime';
import { LISTENER_ERRORS, type ListenerErrorCode } from '../errors/catalogue.js';

export const API_PREFIX = '/v1/docker-flow-swarm-listener';

export interface ApiDeps {
  /** Parameters of every labelled, running service; rejects when not ready within the wait. */
  services(): Promise<Record<string, string>[]>;
  nodes(): Promise<Record<string, string>[]>;
  /** Re-send every labelled service (asynchronously). */
  notifyServices(): void;
  readonly registry: Registry;
  /** API credentials required from callers (every endpoint but ping) when set. */
  readonly auth?: ApiCredentials;
}

const OK = { Status: 'OK' };

/** The one place an error becomes HTTP: the catalogue's status and the body shape both apps share. */
function fail(res: Response, code: ListenerErrorCode, e: unknown): void {
  const { status } = LISTENER_ERRORS[code];
  res.status(status).json(errorBody(status, code, e instanceof Error ? e.message : String(e)));
}

/** The upstream endpoints (any method, as upstream's plain ServeMux) plus /metrics. */
export function createApi(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const auth = deps.auth ?? NO_API_AUTH;
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path.replace(/\/+$/, '') === `${API_PREFIX}/ping` || authorized(req.headers.authorization, auth))
      return next();
    res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    fail(res, 'UNAUTHORIZED', 'this API requires API_USER/API_PASS (basic) or API_TOKEN (bearer)');
  });
  app.all(`${API_PREFIX}/ping`, (_req: Request, res: Response) => {
    res.json(OK);
  });
  app.all(`${API_PREFIX}/notify-services`, (_req: Request, res: Response) => {
    deps.notifyServices();
    res.json(OK);
  });
  app.all(`${API_PREFIX}/get-services`, async (_req: Request, res: Response) => {
    try {
      res.json(await deps.services());
    } catch (e) {
      fail(res, 'NOT_READY', e);
    }
  });
  app.all(`${API_PREFIX}/get-nodes`, async (_req: Request, res: Response) => {
    try {
      res.json(await deps.nodes());
    } catch (e) {
      fail(res, 'DOCKER_API', e);
    }
  });
  const metrics = async (_req: Request, res: Response): Promise<void> => {
    res.set('Content-Type', deps.registry.contentType).send(await deps.registry.metrics());
  };
  app.all(`${API_PREFIX}/metrics`, metrics);
  app.all('/metrics', metrics);
  app.use((req: Request, res: Response) => {
    fail(res, 'NOT_FOUND', `no endpoint ${req.path}`);
  });
  app.use((err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    fail(res, 'INTERNAL', err);
  });
  return app;
}
