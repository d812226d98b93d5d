import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The proxy's Prometheus metrics, in a registry of its own (tests run several proxies in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flowproxy_' });
  return {
    registry,
    reconfigures: new Counter({
      name: 'flowproxy_reconfigure_total',
      help: 'Reconfigure requests by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    removes: new Counter({
      name: 'flowproxy_remove_total',
      help: 'Remove requests by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'flowproxy_reloads_total',
      help: 'HAProxy reloads by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    reloadSeconds: new Histogram({
      name: 'flowproxy_reload_duration_seconds',
      help: 'Time from batch start to a confirmed new HAProxy worker',
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    runtimeUpdates: new Counter({
      name: 'flowproxy_runtime_updates_total',
      help: 'Changes applied through the HAProxy runtime API without a reload (applied), or refused by it and reloaded instead (fallback)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    validations: new Counter({
      name: 'flowproxy_validations_total',
      help: 'haproxy -c runs by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'flowproxy_batch_changes',
      help: 'Changes applied per render',
      buckets: [1, 2, 5, 10, 20, 50, 100, 500],
      registers: [registry],
    }),
    services: new Gauge({
      name: 'flowproxy_services',
      help: 'Services in the routing state',
      registers: [registry],
    }),
    rejected: new Gauge({
      name: 'flowproxy_rejected_services',
      help: 'Services whose last request was rejected',
      registers: [registry],
    }),
    stateVersion: new Gauge({
      name: 'flowproxy_state_version',
      help: 'Version of the routing state (increments on every change)',
      registers: [registry],
    }),
    haproxyScrape: new Gauge({
      name: 'flowproxy_haproxy_scrape_ok',
      help: "1 when the last /metrics scrape included HAProxy's own series",
      registers: [registry],
    }),
    unknownParams: new Gauge({
      name: 'flowproxy_unknown_params',
      help: 'Services whose current definition carries this unknown (ignored) parameter name',
      labelNames: ['param'] as const,
      registers: [registry],
    }),
    stateInfo: new Gauge({
      name: 'flowproxy_state_info',
      help: 'Always 1; label hash is the routing state hash: replicas that agree export the same one',
      labelNames: ['hash'] as const,
      registers: [registry],
    }),
    ready: new Gauge({
      name: 'flowproxy_ready',
      help: '1 once the initial state is applied (successfulinitreload)',
      registers: [registry],
    }),
    inSync: new Gauge({
      name: 'flowproxy_listener_in_sync',
      help: '1 while the latest state from the listener is applied (always 1 without LISTENER_ADDRESS)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
