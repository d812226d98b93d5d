import { labelsToParams, PARAMS_BY_NAME, maskValue } from '@flowproxy/protocol';
import { STACK_NAMESPACE_LABEL, type ServiceSnapshot } from './snapshot.js';

export interface ParamOptions {
  readonly notifyLabel: string;
  /** DF_SERVICE_NAME_PREFIX: serviceName becomes `<prefix>_<name>`. */
  readonly serviceNamePrefix: string;
}

function opts(
  s: ServiceSnapshot,
  o: ParamOptions,
  withReplicas: boolean,
): Parameters<typeof labelsToParams>[1] {
  const stack = s.labels[STACK_NAMESPACE_LABEL];
  return {
    serviceName: o.serviceNamePrefix ? `${o.serviceNamePrefix}_${s.name}` : s.name,
    notifyLabel: o.notifyLabel,
    ...(withReplicas && s.replicas !== undefined ? { replicas: s.replicas } : {}),
    ...(stack ? { stackNamespace: stack } : {}),
  };
}

/**
 * Create/update parameters, exactly what get-services returns (protocol's labelsToParams is the
 * mapping), plus `nodeInfo` when collected (it wins over a label of that name, as upstream).
 */
export function createParams(s: ServiceSnapshot, o: ParamOptions, nodeInfo?: string): Record<string, string> {
  const params = labelsToParams(s.labels, opts(s, o, true));
  if (nodeInfo === undefined) return params;
  // Sorted by name like the rest (upstream's url.Values.Encode sorts too).
  return Object.fromEntries(
    Object.entries({ ...params, nodeInfo }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Remove parameters as upstream: the labels, serviceName and distribute, no replicas. */
export function removeParams(s: ServiceSnapshot, o: ParamOptions): Record<string, string> {
  return labelsToParams(s.labels, opts(s, o, false));
}

/** The configured URL with the parameters appended to any query it already has. */
export function withQuery(base: string, params: Readonly<Record<string, string>>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  return u.toString();
}

/** The parameters as a query for a log line, secrets (users, ...) masked. */
export function maskedQuery(params: Readonly<Record<string, string>>): string {
  const masked = Object.entries(params).map(([k, v]): [string, string] => [
    k,
    maskValue(PARAMS_BY_NAME.get(k.replace(/\.[0-9]+$/, '')), v),
  ]);
  return new URLSearchParams(masked).toString();
}

/** The upstream log phrase, byte for byte: `Sending service removed notification to <url>?serviceName=<name>`. */
export function removedLogLine(base: string, serviceName: string): string {
  return `Sending service removed notification to ${base}${base.includes('?') ? '&' : '?'}serviceName=${encodeURIComponent(serviceName)}`;
}
