import { REQUEST_ID_HEADER, withRequestId, type Logger } from '@flowproxy/runtime';
import { maskedQuery, removedLogLine, withQuery } from '../core/notification.js';
import type { Metrics } from '../metrics.js';
import { urlLabel } from '../metrics.js';
import { deliver, type RetryPolicy, type Transport } from './deliver.js';
import type { SendFn } from './dispatcher.js';

/** What a notification is about: services, or Swarm nodes (DF_NOTIFY_*_NODE_URL). */
export type Subject = 'service' | 'node';

/** deliver() with the upstream log lines and the per-URL metrics. */
export function createSender(
  transport: Transport,
  policy: RetryPolicy,
  log: Logger,
  metrics?: Metrics,
  subject: Subject = 'service',
): SendFn {
  // Every line logged for a notification carries its id (requestId), the proxy logs the same id.
  return (ep, n, signal) => withRequestId(n.id, () => send(ep, n, signal));

  async function send(...[ep, n, signal]: Parameters<SendFn>): ReturnType<SendFn> {
    const url = withQuery(ep.url, n.params);
    const labels = { url: urlLabel(ep.url), kind: n.kind };
    const verb = n.kind === 'remove' ? 'removed' : 'created';
    // Node parameters carry no secrets: upstream logs the full URL.
    if (subject === 'node') log.info(`Sending node ${verb} notification to ${url}`);
    else if (n.kind === 'remove') log.info(removedLogLine(ep.url, n.params.serviceName ?? n.service));
    else log.info(`Sending service created notification to ${ep.url}?${maskedQuery(n.params)}`);
    const started = performance.now();
    const tagged: Transport = (a) => transport({ ...a, headers: { [REQUEST_ID_HEADER]: n.id } });
    const outcome = await deliver(tagged, url, ep.method, n.kind, policy, signal, (attempt, reason) => {
      metrics?.retried.inc(labels);
      log.warn('notification failed, retrying', {
        [subject]: n.service,
        kind: n.kind,
        url: ep.url,
        attempt,
        reason,
        retryInMs: policy.intervalMs,
      });
    });
    const meta = { [subject]: n.service, kind: n.kind, url: ep.url, attempts: outcome.attempts };
    switch (outcome.result) {
      case 'delivered':
        metrics?.sent.inc(labels);
        log.info('notification delivered', {
          ...meta,
          status: outcome.status,
          ms: Math.round(performance.now() - started),
        });
        break;
      case 'rejected':
        metrics?.failed.inc(labels);
        log.error(`ERROR: ${ep.url} returned status code ${outcome.status}: ${outcome.body}`, {
          ...meta,
          code: 'NOTIFICATION_REJECTED',
          status: outcome.status,
        });
        break;
      case 'failed':
        metrics?.failed.inc(labels);
        log.error(
          `ERROR: notification to ${ep.url} failed after ${outcome.attempts} attempts: ${outcome.reason}`,
          {
            ...meta,
            code: 'NOTIFICATION_FAILED',
          },
        );
        break;
      case 'cancelled':
        metrics?.cancelled.inc(labels);
        log.info('notification superseded by a newer one', meta);
        break;
    }
    return outcome;
  }
}
