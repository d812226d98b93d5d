import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the listener, on their own registry (tests create several). */
export function createMetrics(opts: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'swarm_listener_' });
  const labelNames = ['url', 'kind'] as const;
  return {
    registry,
    sent: new Counter({
      name: 'swarm_listener_notifications_sent_total',
      help: 'Notifications delivered (2xx, or 409 on create), per URL and kind',
      labelNames,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'swarm_listener_notifications_failed_total',
      help: 'Notifications given up (retries exhausted or rejected with a 4xx), per URL and kind',
      labelNames,
      registers: [registry],
    }),
    retried: new Counter({
      name: 'swarm_listener_notifications_retried_total',
      help: 'Failed attempts that were retried, per URL and kind',
      labelNames,
      registers: [registry],
    }),
    cancelled: new Counter({
      name: 'swarm_listener_notifications_superseded_total',
      help: 'Notifications cancelled by a newer one for the same service, per URL and kind',
      labelNames,
      registers: [registry],
    }),
    reconnects: new Counter({
      name: 'swarm_listener_event_stream_reconnects_total',
      help: 'Times the Docker event stream ended or failed and was reopened',
      registers: [registry],
    }),
    events: new Counter({
      name: 'swarm_listener_docker_events_total',
      help: 'Docker service events received, per action',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    dockerErrors: new Counter({
      name: 'swarm_listener_docker_errors_total',
      help: 'Failed Docker API calls, per operation',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    reconcile: new Histogram({
      name: 'swarm_listener_reconcile_duration_seconds',
      help: 'Duration of a full reconcile (list services, diff, queue notifications)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    services: new Gauge({
      name: 'swarm_listener_services_watched',
      help: 'Labelled services known, by state (notified, or waiting for a running task)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    lastEvent: new Gauge({
      name: 'swarm_listener_last_event_timestamp_seconds',
      help: 'Time of the last Docker service event received',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A URL as a metric label: no credentials, no query (it may carry tokens). */
export function urlLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'invalid';
  }
}
