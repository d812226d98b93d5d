import type { FrontendModel } from './model.js';
import type { ProxySettings } from './settings.js';
import { d } from './words.js';

export const METRICS_FRONTEND = 'internal-metrics';

/**
 * HAProxy's built-in Prometheus exporter on a unix socket only the control plane reads (mode 600):
 * the API's `/metrics` appends what it answers, so one scrape target per replica covers both
 * planes, and no port is opened for it.
 */
export function metricsFrontend(s: ProxySettings): FrontendModel | undefined {
  if (!s.metricsSocket) return undefined;
  return {
    name: METRICS_FRONTEND,
    mode: 'http',
    binds: [{ port: 0, words: [`unix@${s.metricsSocket}`, 'mode', '600'] }],
    settings: [d('no', 'log')],
    acls: [],
    requestRules: [d('http-request', 'use-service', 'prometheus-exporter')],
    routes: [],
  };
}
