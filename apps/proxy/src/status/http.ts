import express, { type Express, type RequestHandler } from 'express';
import { failure } from '../control/result.js';
import { toReply } from '../api/reply.js';
import { STATUS_CSS, STATUS_SCRIPT } from './assets.js';
import { collectStatus, nodeView, type StatusSources } from './collect.js';
import { CONTENT_SECURITY_POLICY, statusMainHtml, statusPageHtml } from './html.js';

export interface StatusDeps {
  readonly sources: StatusSources;
  /** How often the page refreshes itself. */
  readonly refreshMs: number;
  /** Lets a request in or answers 401 (the API's or the stats' credentials). */
  readonly guard: RequestHandler;
}

/**
 * The status page at `/` of the API port and its data at `<prefix>/status`: `?type=json` (default)
 * the whole snapshot, `?type=html` the part the page refreshes, `?type=node` this replica's own
 * summary, which is what the other replicas ask for to fill their cluster panel.
 */
export function registerStatus(app: Express, prefix: string, deps: StatusDeps): void {
  const { sources, guard } = deps;
  const router = express.Router();
  const secure: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
  router.get('/', secure, guard, async (_req, res) => {
    res.type('html').send(statusPageHtml(await collectStatus(sources), deps.refreshMs, prefix));
  });
  router.get('/status.js', secure, (_req, res) => {
    res.type('application/javascript').send(STATUS_SCRIPT);
  });
  router.get('/status.css', secure, (_req, res) => {
    res.type('text/css').send(STATUS_CSS);
  });
  router.all(`${prefix}/status`, secure, guard, async (req, res) => {
    const type = new URL(req.originalUrl, 'http://local').searchParams.get('type') ?? 'json';
    if (type === 'node') {
      res.json(nodeView(sources));
      return;
    }
    if (type === 'html') {
      res.type('html').send(statusMainHtml(await collectStatus(sources)));
      return;
    }
    if (type !== 'json') {
      const message = 'type must be json, html or node';
      const reply = toReply(
        failure('PARAM_INVALID', message, [
          { param: 'type', code: 'PARAM_INVALID', message, allowed: 'json, html, node' },
        ]),
      );
      res.status(reply.status).json(reply.body);
      return;
    }
    res.json(await collectStatus(sources));
  });
  app.use(router);
}
