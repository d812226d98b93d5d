export const LABEL_PREFIX = 'com.df.';
export const DEFAULT_NOTIFY_LABEL = 'com.df.notify';

export interface LabelsToParamsOptions {
  readonly serviceName: string;
  /** Omitted for global services, as upstream: the proxy then treats the service as global. */
  readonly replicas?: number;
  /** DF_NOTIFY_LABEL; it only selects the service and is never sent. */
  readonly notifyLabel?: string;
  /** `com.docker.stack.namespace`, used with the `com.df.shortName=true` label. */
  readonly stackNamespace?: string;
}

/**
 * Service labels -> notification parameters exactly as Docker Flow Swarm Listener sends them:
 * every `com.df.<param>[.<N>]` becomes `<param>[.<N>]` byte for byte; `serviceName` (overriding
 * any label), `replicas` and `distribute=true` (unless labelled) are added. Keys are sorted so
 * the same labels always give the same query.
 */
export function labelsToParams(
  labels: Readonly<Record<string, string>>,
  opts: LabelsToParamsOptions,
): Record<string, string> {
  const notify = opts.notifyLabel ?? DEFAULT_NOTIFY_LABEL;
  // Label names are data: no prototype, so com.df.__proto__ is a parameter like any other.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(labels).sort()) {
    if (!key.startsWith(LABEL_PREFIX) || key === notify) continue;
    const name = key.slice(LABEL_PREFIX.length);
    if (name.length === 0 || name === 'serviceName') continue;
    out[name] = labels[key] ?? '';
  }
  let serviceName = opts.serviceName;
  const stack = opts.stackNamespace;
  if (
    labels[`${LABEL_PREFIX}shortName`]?.toLowerCase() === 'true' &&
    stack &&
    serviceName.startsWith(`${stack}_`)
  ) {
    serviceName = serviceName.slice(stack.length + 1);
  }
  out.serviceName = serviceName;
  if (opts.replicas !== undefined) out.replicas = String(opts.replicas);
  if (out.distribute === undefined) out.distribute = 'true';
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The same parameters as a query string (URLSearchParams percent-encodes, the proxy decodes back to the same bytes). */
export function labelsToQuery(
  labels: Readonly<Record<string, string>>,
  opts: LabelsToParamsOptions,
): URLSearchParams {
  return new URLSearchParams(labelsToParams(labels, opts));
}

/** True when the service carries the notify label with value true (case-insensitive), as upstream's inspect path. */
export function isNotifyEnabled(
  labels: Readonly<Record<string, string>>,
  notifyLabel = DEFAULT_NOTIFY_LABEL,
): boolean {
  return labels[notifyLabel]?.toLowerCase() === 'true';
}
