import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import {
  API_AUTH_ENV,
  apiAuthProblems,
  bool,
  int,
  list,
  loadEnv,
  readSecret,
  str,
  EnvError,
  LOG_FORMAT_VAR,
  type ApiCredentials,
  type EnvVar,
  type LogFormat,
} from '@flowproxy/runtime';
import { DEFAULT_NOTIFY_LABEL } from '@flowproxy/protocol';

/** Seconds as a decimal (upstream takes whole seconds; fractions let tests and operators go faster). */
function seconds(min: number): (raw: string) => number {
  return (raw) => {
    const t = raw.trim();
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(t) || Number(t) < min) {
      throw new Error(`must be a number of seconds >= ${min} (decimals allowed, e.g. 0.5)`);
    }
    return Number(t);
  };
}

function pollingInterval(raw: string): number {
  const t = raw.trim();
  if (t === '-1') return -1;
  return seconds(0)(t);
}

function urls(raw: string): string[] {
  const out = list(raw);
  for (const u of out) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new Error(`"${u}" is not a URL (expected http://host:port/path)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`"${u}" must start with http:// or https://`);
    }
  }
  return out;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof METHODS)[number];

function methods(raw: string): HttpMethod[] {
  const out = list(raw).map((m) => m.toUpperCase());
  if (out.length === 0) throw new Error(`must be a comma list of: ${METHODS.join(', ')}`);
  for (const m of out) {
    if (!(METHODS as readonly string[]).includes(m))
      throw new Error(`"${m}" must be one of: ${METHODS.join(', ')}`);
  }
  return out as HttpMethod[];
}

function dockerHost(raw: string): string {
  const t = raw.trim();
  if (!/^(unix:\/\/\/.+|tcp:\/\/[^/]+|https?:\/\/[^/]+\/?)$/.test(t)) {
    throw new Error('must be unix:///path/to/docker.sock, tcp://host:port or http://host:port');
  }
  return t;
}

function taskAddress(raw: string): boolean {
  if (!bool(raw)) {
    throw new Error(
      'only true is supported: nodeInfo always carries the task address on the com.df.scrapeNetwork network',
    );
  }
  return true;
}

/** Docker's own convention is "set to anything": accept the usual spellings, refuse the rest. */
function tlsVerify(raw: string): boolean {
  const t = raw.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(t)) return true;
  if (['', '0', 'false', 'no'].includes(t)) return false;
  throw new Error('must be 1 or true to use TLS (0, false or unset: no TLS)');
}

/** The files `DOCKER_CERT_PATH` must hold, as the docker CLI expects them. */
export const DOCKER_TLS_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

const urlDoc = (kind: string): string =>
  `Comma list of URLs notified when a labelled service is ${kind}; the parameters are appended to the query.`;

/** Every variable the listener reads; docs/CONFIG.md (listener section) is generated from it. */
export const LISTENER_ENV = {
  notifyCreateUrl: {
    name: 'DF_NOTIFY_CREATE_SERVICE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: `${urlDoc('created or its routing labels or replicas change')} Legacy \`DF_NOTIF_CREATE_SERVICE_URL\` wins when set; \`DF_NOTIFICATION_URL\` is the fallback; the upstream secret \`df_notify_create_service_url\` is appended.`,
  },
  notifyRemoveUrl: {
    name: 'DF_NOTIFY_REMOVE_SERVICE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: `${urlDoc('removed or loses its notify label')} Legacy \`DF_NOTIF_REMOVE_SERVICE_URL\` wins when set; \`DF_NOTIFICATION_URL\` is the fallback; the upstream secret \`df_notify_remove_service_url\` is appended.`,
  },
  legacyCreateUrl: {
    name: 'DF_NOTIF_CREATE_SERVICE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: 'Deprecated name of DF_NOTIFY_CREATE_SERVICE_URL (takes precedence, as upstream).',
  },
  legacyRemoveUrl: {
    name: 'DF_NOTIF_REMOVE_SERVICE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: 'Deprecated name of DF_NOTIFY_REMOVE_SERVICE_URL (takes precedence, as upstream).',
  },
  notificationUrl: {
    name: 'DF_NOTIFICATION_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: 'Fallback for both create and remove URLs when neither is set.',
  },
  createMethod: {
    name: 'DF_NOTIFY_CREATE_SERVICE_METHOD',
    parse: methods,
    default: ['GET'] as HttpMethod[],
    defaultDoc: '`GET`',
    doc: 'HTTP method per create URL (comma list aligned with the URLs; a shorter list repeats its last method).',
  },
  removeMethod: {
    name: 'DF_NOTIFY_REMOVE_SERVICE_METHOD',
    parse: methods,
    default: ['GET'] as HttpMethod[],
    defaultDoc: '`GET`',
    doc: 'HTTP method per remove URL, aligned as above.',
  },
  notifyCreateNodeUrl: {
    name: 'DF_NOTIFY_CREATE_NODE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: 'Comma list of URLs notified (GET, as upstream) when a Swarm node joins, changes (state, address, role, availability, labels) or comes back from `down`. Parameters: `id`, `hostname`, `address`, `versionIndex`, `state`, `role`, `availability` and every `com.df.*` engine and node label without the prefix (node labels win, the fixed keys win over labels). The upstream secret `df_notify_create_node_url` is appended. Same retries and supersede rules as services, per node.',
  },
  notifyRemoveNodeUrl: {
    name: 'DF_NOTIFY_REMOVE_NODE_URL',
    parse: urls,
    default: [],
    defaultDoc: '—',
    doc: 'Comma list of URLs notified (GET) when a node leaves the Swarm or goes `down`; parameters `id`, `hostname`, `address`. The upstream secret `df_notify_remove_node_url` is appended.',
  },
  nodePollingInterval: {
    name: 'DF_NODE_POLLING_INTERVAL',
    parse: pollingInterval,
    default: -1,
    doc: 'Seconds between comparisons of the node list with what was announced (only with node URLs set). `-1` or `0`: every 30 s. Runs whether or not node events are used.',
  },
  useNodeEvents: {
    name: 'DF_USE_DOCKER_NODE_EVENTS',
    parse: bool,
    default: true,
    doc: 'Follow Docker node events (on the same stream as service events): a node change is announced at once. false: polling only.',
  },
  notifyLabel: {
    name: 'DF_NOTIFY_LABEL',
    parse: str,
    default: DEFAULT_NOTIFY_LABEL,
    doc: 'Label that selects a service: it must be `true` (case-insensitive). It is never sent.',
  },
  retry: {
    name: 'DF_RETRY',
    parse: int(1, 100000),
    default: 50,
    doc: 'Attempts per notification and URL (the first one included).',
  },
  retryInterval: {
    name: 'DF_RETRY_INTERVAL',
    parse: seconds(0),
    default: 5,
    doc: 'Seconds between attempts (decimals allowed). A newer notification for the same service cancels the pending retries.',
  },
  notifyTimeout: {
    name: 'DF_NOTIFY_TIMEOUT',
    parse: seconds(0.001),
    default: 15,
    doc: 'Seconds one notification request may take before it counts as failed and is retried (not upstream).',
  },
  pollingInterval: {
    name: 'DF_SERVICE_POLLING_INTERVAL',
    parse: pollingInterval,
    default: -1,
    doc: 'Seconds between full reconciles (list every service, notify what changed, remove what is gone). `-1` or `0`: every 30 s. Runs whether or not events are used.',
  },
  useEvents: {
    name: 'DF_USE_DOCKER_SERVICE_EVENTS',
    parse: bool,
    default: true,
    doc: 'Follow the Docker service event stream (reconnects with backoff). false: reconcile only.',
  },
  notifyImmediately: {
    name: 'DF_NOTIFY_CREATE_SERVICE_IMMEDIATELY',
    parse: bool,
    default: false,
    doc: 'true: notify a new service at once instead of waiting for its first running task.',
  },
  includeNodeInfo: {
    name: 'DF_INCLUDE_NODE_IP_INFO',
    parse: bool,
    default: false,
    doc: "true: services labelled `com.df.scrapeNetwork=<overlay network>` get upstream's `nodeInfo` parameter (in notifications and get-services): a JSON list of `[node hostname, task address on that network, node ID]` per task, for Docker Flow Monitor. Re-sent when it changes (checked at each reconcile and task start). The proxy accepts it and does not route by it.",
  },
  nodeInfoTaskAddress: {
    name: 'DF_NODE_IP_INFO_INCLUDES_TASK_ADDRESS',
    parse: taskAddress,
    default: true,
    doc: "Only `true` (upstream's default) is supported: nodeInfo carries task addresses; `false` stops start-up with a message.",
  },
  serviceNamePrefix: {
    name: 'DF_SERVICE_NAME_PREFIX',
    parse: str,
    default: '',
    doc: 'When set, `serviceName` becomes `<prefix>_<name>`.',
  },
  dfDockerHost: {
    name: 'DF_DOCKER_HOST',
    parse: dockerHost,
    default: '',
    defaultDoc: '—',
    doc: 'Docker API address (upstream name); wins over DOCKER_HOST.',
  },
  dockerHost: {
    name: 'DOCKER_HOST',
    parse: dockerHost,
    default: 'unix:///var/run/docker.sock',
    doc: 'Docker API address: `unix:///path`, `tcp://host:port` or `http://host:port` (TLS with DOCKER_TLS_VERIFY).',
  },
  dockerTlsVerify: {
    name: 'DOCKER_TLS_VERIFY',
    parse: tlsVerify,
    default: false,
    doc: 'Docker CLI convention: `1` talks to a `tcp://host:2376` Docker API over TLS, verifying the daemon against `ca.pem` and presenting `cert.pem`/`key.pem` from DOCKER_CERT_PATH (the port defaults to 2376). Not upstream (its listener had no TLS). `0`/`false`/unset: no TLS.',
  },
  dockerCertPath: {
    name: 'DOCKER_CERT_PATH',
    parse: str,
    default: '',
    defaultDoc: '`~/.docker`',
    doc: 'Directory with `ca.pem`, `cert.pem` and `key.pem` for DOCKER_TLS_VERIFY (mount it as a secret or read-only volume). Missing files stop start-up with a message.',
  },
  apiPort: {
    name: 'API_PORT',
    parse: int(1, 65535),
    default: 8080,
    doc: 'Port of the listener API (`/v1/docker-flow-swarm-listener/...`, `/metrics`).',
  },
  ...API_AUTH_ENV,
  logLevel: {
    name: 'LOG_LEVEL',
    parse: (raw: string) => {
      const t = raw.trim();
      if (!['error', 'warn', 'info', 'debug'].includes(t))
        throw new Error('must be one of: error, warn, info, debug');
      return t;
    },
    default: 'info',
    doc: 'Log level of the log lines on stdout.',
  },
  logFormat: LOG_FORMAT_VAR,
} satisfies Record<string, EnvVar<unknown>>;

/** Default full-reconcile interval (seconds) when DF_SERVICE_POLLING_INTERVAL does not set one. */
export const DEFAULT_RECONCILE_SECONDS = 30;

export interface Endpoint {
  readonly url: string;
  readonly method: HttpMethod;
}

/** Client TLS for the Docker API: files, read when the Docker client is created. */
export interface DockerTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ListenerConfig {
  readonly createEndpoints: readonly Endpoint[];
  readonly removeEndpoints: readonly Endpoint[];
  readonly createNodeEndpoints: readonly Endpoint[];
  readonly removeNodeEndpoints: readonly Endpoint[];
  readonly nodeReconcileIntervalMs: number;
  readonly useNodeEvents: boolean;
  readonly notifyLabel: string;
  readonly retries: number;
  readonly retryIntervalMs: number;
  readonly notifyTimeoutMs: number;
  readonly reconcileIntervalMs: number;
  readonly useEvents: boolean;
  readonly notifyImmediately: boolean;
  readonly includeNodeInfo: boolean;
  readonly serviceNamePrefix: string;
  readonly dockerHost: string;
  /** Set when DOCKER_TLS_VERIFY is on. */
  readonly dockerTls?: DockerTls;
  readonly apiPort: number;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  /** Required on the listener's API and sent with notifications when set. */
  readonly auth: ApiCredentials;
}

/** Method list aligned with the URL list; a shorter list repeats its last method (upstream). */
export function alignMethods(urlList: readonly string[], methodList: readonly HttpMethod[]): Endpoint[] {
  return urlList.map((url, i) => ({ url, method: methodList[Math.min(i, methodList.length - 1)] ?? 'GET' }));
}

/** Reads and validates the whole configuration; throws EnvError naming every bad variable. */
export function loadListenerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  secretsDir = env.SECRETS_DIR ?? '/run/secrets',
): ListenerConfig {
  const v = loadEnv(LISTENER_ENV, { env, secretsDir });
  const auth: ApiCredentials = { user: v.apiUser, pass: v.apiPass, token: v.apiToken };
  const authProblems = apiAuthProblems(auth);
  if (authProblems.length > 0) throw new EnvError(authProblems);
  const extra = (name: string): string[] => {
    const raw = readSecret(secretsDir, name);
    if (raw === undefined) return [];
    try {
      return urls(raw);
    } catch (e) {
      throw new EnvError([`secret ${name}: ${(e as Error).message}`]);
    }
  };
  const pick = (legacy: string[], current: string[]): string[] =>
    legacy.length > 0 ? legacy : current.length > 0 ? current : v.notificationUrl;
  const createUrls = [
    ...pick(v.legacyCreateUrl, v.notifyCreateUrl),
    ...extra('df_notify_create_service_url'),
  ];
  const removeUrls = [
    ...pick(v.legacyRemoveUrl, v.notifyRemoveUrl),
    ...extra('df_notify_remove_service_url'),
  ];
  const dockerHost = v.dfDockerHost || v.dockerHost;
  const dockerTls = v.dockerTlsVerify ? tlsFiles(dockerHost, v.dockerCertPath, env.HOME) : undefined;
  const reconcileSeconds = v.pollingInterval > 0 ? v.pollingInterval : DEFAULT_RECONCILE_SECONDS;
  const nodeSeconds = v.nodePollingInterval > 0 ? v.nodePollingInterval : DEFAULT_RECONCILE_SECONDS;
  // Upstream always sends node notifications with GET.
  const get = (list: string[]): Endpoint[] => list.map((url) => ({ url, method: 'GET' }));
  return {
    createEndpoints: alignMethods(createUrls, v.createMethod),
    removeEndpoints: alignMethods(removeUrls, v.removeMethod),
    createNodeEndpoints: get([...v.notifyCreateNodeUrl, ...extra('df_notify_create_node_url')]),
    removeNodeEndpoints: get([...v.notifyRemoveNodeUrl, ...extra('df_notify_remove_node_url')]),
    nodeReconcileIntervalMs: Math.round(nodeSeconds * 1000),
    useNodeEvents: v.useNodeEvents,
    notifyLabel: v.notifyLabel.trim() || DEFAULT_NOTIFY_LABEL,
    retries: v.retry,
    retryIntervalMs: Math.round(v.retryInterval * 1000),
    notifyTimeoutMs: Math.round(v.notifyTimeout * 1000),
    reconcileIntervalMs: Math.round(reconcileSeconds * 1000),
    useEvents: v.useEvents,
    notifyImmediately: v.notifyImmediately,
    includeNodeInfo: v.includeNodeInfo,
    serviceNamePrefix: v.serviceNamePrefix.trim(),
    dockerHost,
    ...(dockerTls ? { dockerTls } : {}),
    apiPort: v.apiPort,
    logLevel: v.logLevel,
    logFormat: v.logFormat,
    auth,
  };
}

/** The TLS files for DOCKER_TLS_VERIFY, checked now so a missing one is a start-up error, not a retry loop. */
function tlsFiles(host: string, certPath: string, home: string | undefined): DockerTls {
  if (host.startsWith('unix://'))
    throw new EnvError([
      `DOCKER_TLS_VERIFY: needs a tcp://host:2376 Docker host, got ${host} (unset DOCKER_TLS_VERIFY for a socket)`,
    ]);
  const dir = certPath.trim() || join(home ?? '/root', '.docker');
  const files = {
    caFile: join(dir, DOCKER_TLS_FILES.ca),
    certFile: join(dir, DOCKER_TLS_FILES.cert),
    keyFile: join(dir, DOCKER_TLS_FILES.key),
  };
  const missing = Object.values(files).filter((f) => {
    try {
      accessSync(f, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0)
    throw new EnvError([
      `DOCKER_CERT_PATH: ${missing.join(', ')} missing or unreadable (DOCKER_TLS_VERIFY needs ca.pem, cert.pem and key.pem in ${dir})`,
    ]);
  return files;
}
