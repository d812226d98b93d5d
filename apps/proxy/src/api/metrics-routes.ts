import type express from 'express';
import type { Request, Response } from 'express';
import type { Logger } from '@flowproxy/runtime';
import { describeFailures, gatherFromPeers } from '../distribute/gather.js';
import type { PeerResolver } from '../distribute/peers.js';
import type { Metrics } from '../metrics.js';
import { errorReply } from './reply.js';

export interface MetricsRouteDeps {
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly ready: () => boolean;
  /** HAProxy's own Prometheus series (its exporter); rejects when HAProxy does not answer. */
  readonly haproxyMetrics: () => Promise<string>;
  /** HAProxy's statistics CSV (`show stat`), what upstream's `/v1/docker-flow-proxy/metrics` served. */
  readonly statsCsv: () => Promise<string>;
  readonly peers: PeerResolver;
  readonly distributeTimeoutMs: number;
  /** Authorization for requests to the other replicas. */
  readonly peerHeaders: Readonly<Record<string, string>>;
  /** Sets the state headers every API answer carries. */
  readonly stateHeaders: (res: Response) => void;
}

const wantsDistribute = (req: Request): boolean =>
  new URL(req.originalUrl, 'http://local').searchParams.get('distribute')?.toLowerCase() === 'true';

function fail(res: Response, message: string): void {
  const reply = errorReply('METRICS_UNAVAILABLE', message);
  res.status(reply.status).json(reply.body);
}

/**
 * `/metrics`: the control plane's series followed by HAProxy's own `haproxy_*` series, one scrape
 * target per replica. `/v1/docker-flow-proxy/metrics`: upstream's answer, HAProxy's statistics CSV;
 * with `distribute=true` every replica's CSV, one after the other (upstream concatenated them too).
 */
export function registerMetricsRoutes(app: express.Express, prefix: string, deps: MetricsRouteDeps): void {
  const { metrics, logger } = deps;

  app.all(['/metrics'], async (_req: Request, res: Response) => {
    metrics.ready.set(deps.ready() ? 1 : 0);
    let haproxy = '';
    try {
      haproxy = await deps.haproxyMetrics();
      metrics.haproxyScrape.set(1);
    } catch (e) {
      metrics.haproxyScrape.set(0);
      logger.warn("HAProxy's metrics could not be read", {
        event: 'metrics.haproxy',
        error: (e as Error).message,
      });
    }
    const own = await metrics.registry.metrics();
    deps.stateHeaders(res);
    res
      .status(200)
      .type(metrics.registry.contentType)
      .send(own.endsWith('\n') || own === '' ? own + haproxy : `${own}\n${haproxy}`);
  });

  app.all([`${prefix}/metrics`], async (req: Request, res: Response) => {
    deps.stateHeaders(res);
    const local = async (): Promise<void> => {
      try {
        res
          .status(200)
          .type('text/plain')
          .send(await deps.statsCsv());
      } catch (e) {
        fail(res, `HAProxy's statistics could not be read: ${(e as Error).message}`);
      }
    };
    if (!wantsDistribute(req)) return local();
    let peers: string[];
    try {
      peers = await deps.peers();
    } catch (e) {
      fail(res, (e as Error).message);
      return;
    }
    // Outside Swarm (no tasks.<SERVICE_NAME>) this replica is all there is.
    if (peers.length === 0) return local();
    const results = await gatherFromPeers('metrics', peers, deps.distributeTimeoutMs, {
      headers: deps.peerHeaders,
    });
    if (results.some((r) => !r.ok)) {
      fail(res, `Could not get the statistics of: ${describeFailures(results)}`);
      return;
    }
    res
      .status(200)
      .type('text/plain')
      .send(results.map((r) => r.body).join(''));
  });
}
