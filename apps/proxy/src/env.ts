import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DOMAIN_ALGOS, parseUserList, UNKNOWN_PARAMS_MODES, type UserEntry } from '@flowproxy/protocol';
import {
  bool,
  EnvError,
  int,
  list,
  loadEnv,
  LOG_FORMAT_VAR,
  oneOf,
  readSecret,
  str,
  type EnvVar,
  API_AUTH_ENV,
  apiAuthProblems,
} from '@flowproxy/runtime';
import type { BindSpec, ProxySettings } from './config/settings.js';
import { EXPORTER_SCOPES, metricsSocketPath, type ExporterScope } from './haproxy/stats.js';
import { IGNORED_UPSTREAM_ENV, servicesFromEnv } from './state/env-services.js';

// The only module of the proxy that reads process.env (see docs/ARCHITECTURE.md).

const v = <T>(def: EnvVar<T>): EnvVar<T> => def;

/** `80`, `443:ssl`, `80 accept-proxy`, `443 accept-proxy:ssl`; options are plain HAProxy bind keywords. */
export function parseBinds(raw: string): BindSpec[] {
  return list(raw).map((item) => {
    const ssl = /:ssl$/i.test(item);
    const [port, ...options] = item.replace(/:ssl$/i, '').split(/\s+/);
    const n = Number(port);
    if (!/^[0-9]+$/.test(port ?? '') || n < 1 || n > 65535)
      throw new Error(`${item}: the port must be from 1 to 65535`);
    for (const o of options) {
      if (!/^[a-z][a-z0-9-]*$/.test(o))
        throw new Error(`${item}: bind option ${o} must be a bind keyword such as accept-proxy`);
    }
    return { port: n, ssl, options };
  });
}

/** `user:pass,user2:pass2` (global USERS): the protocol's one user:password rule, a password required. */
export function parseUsers(raw: string): UserEntry[] {
  const r = parseUserList(raw, true);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** `Name:len,…` as upstream CAPTURE_REQUEST_HEADER. */
function parseCaptures(raw: string): { name: string; length: number }[] {
  return list(raw).map((item) => {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):([0-9]+)$/.exec(item);
    if (!m) throw new Error(`${item}: must be HeaderName:length`);
    return { name: m[1] ?? '', length: Number(m[2]) };
  });
}

/** Comma list of raw HAProxy lines (EXTRA_GLOBAL, EXTRA_FRONTEND): commas become new lines, as upstream. */
function rawLines(raw: string): string[] {
  const lines = list(raw);
  for (const l of lines) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(l)) throw new Error('must not contain control characters');
  }
  return lines;
}

function resolvers(raw: string): string[] {
  if (raw.trim() === 'parse-resolv-conf') return [];
  const lines = list(raw);
  for (const l of lines) {
    if (!/^nameserver [A-Za-z0-9_.-]+ [0-9A-Fa-f.:[\]]+:[0-9]+$/.test(l))
      throw new Error(`${l}: must be "nameserver <name> <ip>:<port>"`);
  }
  return lines;
}

function optionalPort(raw: string): number | undefined {
  return raw.trim() === '' ? undefined : int(1, 65535)(raw);
}

function uri(raw: string): string {
  if (!/^\/[^\s]*$/.test(raw)) throw new Error('must start with / and contain no spaces');
  return raw;
}

function safeText(raw: string): string {
  if (/[\s"'\\]/.test(raw)) throw new Error('must not contain spaces, quotes or backslashes');
  return raw;
}

const seconds = int(0, 2147483);

/** Every environment variable of the proxy, with upstream's names and Dockerfile defaults (dfp-reference.md 2). */
export const PROXY_ENV = {
  // ---- upstream ---------------------------------------------------------------------------------
  listenerAddress: v({
    name: 'LISTENER_ADDRESS',
    parse: str,
    default: '',
    doc: 'Swarm listener host name (contacted as `http://<host>:8080`) or full URL, or a comma list of them (the first that answers is used); when set, the proxy fetches `get-services` at start, reports ready only after applying them, and resyncs every RELOAD_INTERVAL',
  }),
  serviceName: v({
    name: 'SERVICE_NAME',
    parse: safeText,
    default: 'proxy',
    doc: 'Swarm service name of the proxy: `tasks.<SERVICE_NAME>` lists the replicas for `distribute=true`',
  }),
  proxyInstanceName: v({
    name: 'PROXY_INSTANCE_NAME',
    parse: safeText,
    default: 'docker-flow',
    doc: 'Name of this proxy instance, compared with the `proxyInstanceName` parameter when FILTER_PROXY_INSTANCE_NAME is true',
  }),
  filterProxyInstanceName: v({
    name: 'FILTER_PROXY_INSTANCE_NAME',
    parse: bool,
    default: false,
    doc: 'Only configure services whose `proxyInstanceName` equals PROXY_INSTANCE_NAME (a service without it counts as `docker-flow`); others are acknowledged and ignored',
  }),
  defaultPorts: v({
    name: 'DEFAULT_PORTS',
    parse: parseBinds,
    default: parseBinds('80,443:ssl'),
    defaultDoc: '`80,443:ssl`',
    doc: 'Binds of the HTTP frontend; `:ssl` binds TLS with the certificates (plain when there is none), extra bind keywords allowed (`80 accept-proxy`)',
  }),
  bindPorts: v({
    name: 'BIND_PORTS',
    parse: parseBinds,
    default: [] as BindSpec[],
    defaultDoc: '—',
    doc: 'Extra binds of the HTTP frontend (same syntax as DEFAULT_PORTS), e.g. for http `srcPort`s',
  }),
  defaultReqMode: v<'http' | 'tcp'>({
    name: 'DEFAULT_REQ_MODE',
    parse: oneOf(['http', 'tcp'] as const),
    default: 'http',
    doc: 'Mode of the default frontend',
  }),
  connectionMode: v<string>({
    name: 'CONNECTION_MODE',
    parse: oneOf(['http-keep-alive', 'http-server-close', 'httpclose'] as const),
    default: 'http-keep-alive',
    doc: 'HTTP connection mode in `defaults` (`option <mode>`)',
  }),
  timeoutConnect: v({
    name: 'TIMEOUT_CONNECT',
    parse: seconds,
    default: 1,
    doc: 'Seconds (`timeout connect`). Upstream: 5. 1 here: a connection to a task of a crashed node gets no answer at all, so this is how long such a request waits before it is redispatched to another task (see REDISPATCH_INTERVAL); raise it only for slow `outboundHostname` targets',
  }),
  timeoutClient: v({ name: 'TIMEOUT_CLIENT', parse: seconds, default: 20, doc: 'Seconds' }),
  timeoutServer: v({ name: 'TIMEOUT_SERVER', parse: seconds, default: 20, doc: 'Seconds' }),
  timeoutQueue: v({ name: 'TIMEOUT_QUEUE', parse: seconds, default: 30, doc: 'Seconds' }),
  timeoutTunnel: v({
    name: 'TIMEOUT_TUNNEL',
    parse: seconds,
    default: 3600,
    doc: 'Seconds (websockets and other tunnels)',
  }),
  timeoutHttpRequest: v({ name: 'TIMEOUT_HTTP_REQUEST', parse: seconds, default: 5, doc: 'Seconds' }),
  timeoutHttpKeepAlive: v({ name: 'TIMEOUT_HTTP_KEEP_ALIVE', parse: seconds, default: 15, doc: 'Seconds' }),
  statsUserEnv: v({
    name: 'STATS_USER_ENV',
    parse: safeText,
    default: 'STATS_USER',
    doc: 'Name of the variable (and secret `dfp_<lowercase>`) holding the stats user',
  }),
  statsPassEnv: v({
    name: 'STATS_PASS_ENV',
    parse: safeText,
    default: 'STATS_PASS',
    doc: 'Name of the variable (and secret `dfp_<lowercase>`) holding the stats password',
  }),
  statsUriEnv: v({
    name: 'STATS_URI_ENV',
    parse: safeText,
    default: 'STATS_URI',
    doc: 'Name of the variable (and secret `dfp_<lowercase>`) holding the stats URI',
  }),
  statsUser: v({
    name: 'STATS_USER',
    parse: safeText,
    default: '',
    sensitive: true,
    doc: 'Stats are served only when both STATS_USER and STATS_PASS are set; `none`/`none` serves them without authentication',
  }),
  statsPass: v({ name: 'STATS_PASS', parse: safeText, default: '', sensitive: true, doc: 'See STATS_USER' }),
  statsUri: v({
    name: 'STATS_URI',
    parse: uri,
    default: '/admin?stats',
    doc: 'Path of the stats page on the HTTP frontend',
  }),
  statsPort: v({
    name: 'STATS_PORT',
    parse: optionalPort,
    default: undefined as number | undefined,
    defaultDoc: '—',
    doc: 'When set (and not 80), stats get their own frontend on this port',
  }),
  users: v({
    name: 'USERS',
    parse: parseUsers,
    default: [] as UserEntry[],
    defaultDoc: '—',
    sensitive: true,
    doc: 'Global basic auth `user:pass,…` for every service that has no users of its own',
  }),
  usersPassEncrypted: v({
    name: 'USERS_PASS_ENCRYPTED',
    parse: bool,
    default: false,
    doc: 'USERS passwords are crypt(3) hashes (SHA-512 `$6$` recommended: HAProxy runs crypt on every request)',
  }),
  extraGlobal: v({
    name: 'EXTRA_GLOBAL',
    parse: rawLines,
    default: [] as string[],
    defaultDoc: '—',
    doc: 'Lines appended to `global` (comma separated)',
  }),
  extraFrontend: v({
    name: 'EXTRA_FRONTEND',
    parse: rawLines,
    default: [] as string[],
    defaultDoc: '—',
    doc: 'Lines appended to the HTTP frontend (comma separated)',
  }),
  captureRequestHeader: v({
    name: 'CAPTURE_REQUEST_HEADER',
    parse: parseCaptures,
    default: [] as { name: string; length: number }[],
    defaultDoc: '—',
    doc: '`Header:length,…` captured into the logs',
  }),
  debug: v({ name: 'DEBUG', parse: bool, default: false, doc: 'HAProxy request logging' }),
  serviceDomainAlgo: v<string>({
    name: 'SERVICE_DOMAIN_ALGO',
    parse: oneOf(DOMAIN_ALGOS),
    default: 'hdr(host)',
    doc: 'Default fetch for `serviceDomain` matching. Default `hdr(host)` (exact host, port ignored) instead of upstream `hdr_beg(host)`, which also matched example.com.evil.net and cannot use a map',
  }),
  httpsOnly: v({
    name: 'HTTPS_ONLY',
    parse: bool,
    default: false,
    doc: 'Redirect every HTTP request to HTTPS',
  }),
  separator: v({
    name: 'SEPARATOR',
    parse: (raw: string) => {
      if (raw.length === 0) throw new Error('must not be empty');
      return raw;
    },
    default: ',',
    doc: 'List separator of multi-value parameters',
  }),
  resolvers: v({
    name: 'RESOLVERS',
    parse: resolvers,
    default: ['nameserver dns 127.0.0.11:53'],
    defaultDoc: '`nameserver dns 127.0.0.11:53`',
    doc: 'Lines of the `resolvers docker` section (comma separated); `parse-resolv-conf` reads /etc/resolv.conf',
  }),
  reloadInterval: v({
    name: 'RELOAD_INTERVAL',
    parse: int(100, 86400000),
    default: 5000,
    doc: 'Milliseconds between resyncs from the listener; until the first `get-services` succeeds it is retried sooner (100 ms, doubling up to 2 s)',
  }),
  listenerWait: v({
    name: 'LISTENER_WAIT',
    parse: int(0, 86400000),
    default: 5000,
    doc: 'Milliseconds a starting replica waits for the initial state from the listener before HAProxy binds the public ports: with the listener answering, its first answer is what HAProxy starts with, so a new replica never answers 503 for a route the listener knows (clients get a refused connection until then). Past it, the replica serves what it has (its saved state, or nothing) and `ready` reports it not in sync. The container healthcheck (`healthy`) only needs HAProxy serving, so a listener outage never makes Swarm replace proxy tasks',
  }),
  resyncMaxBytes: v({
    name: 'RESYNC_MAX_BYTES',
    parse: int(1024, 1073741824),
    default: 16777216,
    doc: 'Largest `get-services` answer the proxy reads from the listener; a larger one is refused and logged (`RESYNC_TOO_LARGE`), the state unchanged',
  }),
  resyncRemoveAfter: v({
    name: 'RESYNC_REMOVE_AFTER',
    parse: int(0, 86400000),
    default: 30000,
    doc: "Milliseconds a service must be missing from the listener's answers (and from at least two consecutive ones) before a resync removes it: the listener leaves a service out while its tasks are not all running (rolling update). A remove notification still removes it at once",
  }),
  repeatReload: v({
    name: 'REPEAT_RELOAD',
    parse: bool,
    default: true,
    doc: 'Keep resyncing from the listener every RELOAD_INTERVAL after the first success (upstream default false; a resync that changes nothing does not reload)',
  }),
  enableH2: v({ name: 'ENABLE_H2', parse: bool, default: true, doc: 'Offer HTTP/2 (ALPN h2) on TLS binds' }),
  sslBindOptions: v({
    name: 'SSL_BIND_OPTIONS',
    parse: (raw: string) => rawLines(raw).join(' '),
    default: 'no-sslv3',
    doc: '`ssl-default-bind-options`',
  }),
  sslBindCiphers: v({
    name: 'SSL_BIND_CIPHERS',
    parse: safeText,
    default:
      'ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS',
    doc: '`ssl-default-bind-ciphers`',
  }),
  compressionAlgo: v({
    name: 'COMPRESSION_ALGO',
    parse: safeText,
    default: '',
    doc: 'Global `compression algo` (e.g. gzip)',
  }),
  compressionType: v({
    name: 'COMPRESSION_TYPE',
    parse: (raw: string) => list(raw.replace(/\s+/g, ',')).map(safeText).join(' '),
    default: '',
    doc: 'Global `compression type` (MIME types, space or comma separated)',
  }),
  certs: v({
    name: 'CERTS',
    parse: list,
    default: [] as string[],
    defaultDoc: '—',
    doc: 'Extra certificate files (absolute paths, comma separated) added after CERTS_DIR and `cert-*` secrets',
  }),
  caFile: v({
    name: 'CA_FILE',
    parse: (raw: string) => {
      const v = raw.trim();
      if (v.startsWith('-----BEGIN')) return `${v}\n`;
      if (!/^\/[^\s'"#\\]*$/.test(v))
        throw new Error('must be an absolute path without spaces or quotes, or a PEM certificate');
      return v;
    },
    default: '',
    defaultDoc: '—',
    doc: 'CA that client certificates must be signed by: TLS binds get `ca-file <f> verify optional`, and destinations with `verifyClientSsl=true` answer 403 without a certificate it verifies. A path, or the PEM itself (e.g. the `dfp_ca_file` secret)',
  }),
  crtListPath: v({
    name: 'CRT_LIST_PATH',
    parse: (raw: string) => {
      if (!/^\/[^\s'"#\\]*$/.test(raw)) throw new Error('must be an absolute path without spaces or quotes');
      return raw;
    },
    default: '',
    defaultDoc: '—',
    doc: 'A crt-list file of your own for the TLS binds: used as it is (bound even before any certificate is stored) and no crt-list is generated, as upstream',
  }),
  preferredCertificate: v({
    name: 'PREFERRED_CERTIFICATE',
    parse: list,
    default: [] as string[],
    defaultDoc: '—',
    doc: 'Comma list of globs (`*`, `?`) on certificate file names or paths: matching certificates go first in the crt-list, in the order of the globs, so the first is the default certificate (served when no SNI matches)',
  }),
  dnsLookupPauseMs: v({
    name: 'DNS_LOOKUP_PAUSE_MS',
    parse: int(0, 600000),
    default: 0,
    doc: 'Milliseconds to wait at start before asking the other replicas (`tasks.<SERVICE_NAME>`) for their certificates',
  }),
  // ---- ours -------------------------------------------------------------------------------------
  apiPort: v({
    name: 'API_PORT',
    parse: int(1, 65535),
    default: 8080,
    doc: 'Port of the HTTP API (`/v1/docker-flow-proxy/…`)',
  }),
  configDir: v({
    name: 'CONFIG_DIR',
    parse: str,
    default: '/cfg',
    doc: 'haproxy.cfg, map files, crt-list and state.json (the accepted services, re-read at start)',
  }),
  certsDir: v({
    name: 'CERTS_DIR',
    parse: str,
    default: '/certs',
    doc: 'Certificates (PEM with key) used for TLS binds; `PUT /cert` and `serviceCert` write here',
  }),
  secretsDir: v({
    name: 'SECRETS_DIR',
    parse: str,
    default: '/run/secrets',
    secretName: null,
    doc: 'Directory of Docker secrets (`dfp_*`, `dfp_users_*`, `cert-*`)',
  }),
  runtimeDir: v({
    name: 'RUNTIME_DIR',
    parse: str,
    default: '',
    defaultDoc: '`<tmp>/flowproxy-<hash of CONFIG_DIR>`',
    doc: 'HAProxy pid file, master and admin sockets, server-state file, validation scratch space. One control plane per directory (a lock file refuses a second one), so the default is derived from CONFIG_DIR: two proxies with different CONFIG_DIRs never share it. The image sets `/var/run/flowproxy`',
  }),
  haproxyBin: v({ name: 'HAPROXY_BIN', parse: str, default: 'haproxy', doc: 'HAProxy executable' }),
  initAddr: v({
    name: 'INIT_ADDR',
    parse: (raw: string) => {
      if (!/^(last|libc|none)(,(last|libc|none))*$/.test(raw))
        throw new Error('must be a comma list of last, libc, none');
      return raw;
    },
    default: 'last,none',
    doc: '`init-addr` of DNS servers: with `none` last, a name that does not resolve never makes the configuration invalid',
  }),
  unknownParams: v<(typeof UNKNOWN_PARAMS_MODES)[number]>({
    name: 'UNKNOWN_PARAMS',
    parse: oneOf(UNKNOWN_PARAMS_MODES),
    default: 'warn',
    doc: '`warn`: an unknown parameter name is accepted with a warning (log, `config?type=json`, metric `flowproxy_unknown_params`), as upstream ignored them, except a likely misspelling of a known name (refused, 400); `strict`: every unknown name is refused with 400 (docs/LABELS.md)',
  }),
  allowRawConfig: v({
    name: 'ALLOW_RAW_CONFIG',
    parse: bool,
    default: false,
    doc: 'Accept raw HAProxy configuration parameters (backendExtra)',
  }),
  reloadDelayMs: v({
    name: 'RELOAD_DELAY_MS',
    parse: int(0, 10000),
    default: 20,
    doc: 'A change that adds or removes a service waits this long for others to join its reload (changes arriving while a batch is applied join the next one); changes to existing services are applied at once',
  }),
  hardStopAfter: v({
    name: 'HARD_STOP_AFTER',
    parse: int(1, 86400),
    default: 30,
    doc: 'Seconds an old HAProxy worker may keep draining connections after a reload',
  }),
  checkInterMs: v({
    name: 'CHECK_INTER_MS',
    parse: int(100, 3600000),
    default: 1000,
    doc: 'Milliseconds between health checks of each server (`check inter`); a check also times out after this long',
  }),
  checkFall: v({
    name: 'CHECK_FALL',
    parse: int(1, 100),
    default: 2,
    doc: 'Consecutive failed health checks that take a server out of rotation (`fall`)',
  }),
  checkRise: v({
    name: 'CHECK_RISE',
    parse: int(1, 100),
    default: 1,
    doc: 'Consecutive successful health checks that put a server back (`rise`)',
  }),
  retries: v({
    name: 'RETRIES',
    parse: int(0, 100),
    default: 3,
    doc: 'Retries after a failed connection, empty response or response timeout (`retries`, `retry-on`)',
  }),
  redispatchInterval: v({
    name: 'REDISPATCH_INTERVAL',
    parse: int(-100, 100),
    default: 1,
    doc: "`option redispatch <n>`: retry on another server every n-th retry (1: every retry, so a dead task costs one TIMEOUT_CONNECT; -1: HAProxy's default, only the last retry; 0: never)",
  }),
  dnsHoldValid: v({
    name: 'DNS_HOLD_VALID',
    parse: int(1, 3600),
    default: 1,
    doc: 'Seconds between DNS re-queries of `tasks.<service>` (how fast task changes apply)',
  }),
  serverSlots: v({
    name: 'SERVER_SLOTS',
    parse: int(1, 1000),
    default: 10,
    doc: 'Server slots per DNS-discovered backend (more when `replicas` is larger)',
  }),
  peers: v({
    name: 'PEERS',
    parse: (raw: string) =>
      list(raw).map((a) => {
        if (!/^[A-Za-z0-9_.-]+:[0-9]{1,5}$/.test(a)) throw new Error(`${a}: must be host:port`);
        return a;
      }),
    default: [] as string[],
    defaultDoc: '—',
    doc: 'Fixed API addresses `host:port` of every replica for `distribute=true`, instead of resolving `tasks.<SERVICE_NAME>` (static setups, tests on loopback)',
  }),
  distributeTimeoutMs: v({
    name: 'DISTRIBUTE_TIMEOUT_MS',
    parse: int(100, 600000),
    default: 10000,
    doc: 'Timeout of each forwarded request of `distribute=true`',
  }),
  haproxyMetricsScope: v({
    name: 'HAPROXY_METRICS_SCOPE',
    parse: (raw: string) =>
      list(raw).map((x) => {
        if (!(EXPORTER_SCOPES as readonly string[]).includes(x))
          throw new Error(`${x}: must be a comma list of ${EXPORTER_SCOPES.join(', ')}`);
        return x as ExporterScope;
      }),
    default: ['global', 'frontend', 'backend', 'server'] as ExporterScope[],
    defaultDoc: '`global,frontend,backend,server`',
    doc: "Which of HAProxy's own `haproxy_*` Prometheus series `/metrics` appends to the control plane's (its built-in exporter's scopes; empty servers slots are left out). Empty: none",
  }),
  ...API_AUTH_ENV,
  logLevel: v<string>({
    name: 'LOG_LEVEL',
    parse: oneOf(['error', 'warn', 'info', 'debug'] as const),
    default: 'info',
    doc: 'Log level of the control plane',
  }),
  logFormat: v(LOG_FORMAT_VAR),
};

export type ProxyEnv = ReturnType<typeof loadTable>;
function loadTable(env: Readonly<Record<string, string | undefined>>, secretsDir: string) {
  return loadEnv(PROXY_ENV, { env, secretsDir });
}

/** Operator configuration: the env table's values plus what is derived from them. */
export interface ProxyConfig extends Omit<ProxyEnv, 'statsUser' | 'statsPass' | 'statsUri'> {
  readonly statsUser: string;
  readonly statsPass: string;
  readonly statsUri: string;
}

/** Reads the stats variables through the STATS_*_ENV indirection (secret `dfp_<name>` wins, as upstream). */
function indirect(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  secretsDir: string,
): string | undefined {
  return readSecret(secretsDir, `dfp_${name.toLowerCase()}`) ?? (env[name] || undefined);
}

export function loadProxyConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProxyConfig {
  const secretsDir = env.SECRETS_DIR || PROXY_ENV.secretsDir.default;
  const cfg = loadTable(env, secretsDir);
  const problems: string[] = [];
  const pick = (indirectName: string, own: string, def: string, parse: (raw: string) => string): string => {
    if (indirectName === own) return def;
    const raw = indirect(indirectName, env, secretsDir);
    if (raw === undefined) return '';
    try {
      return parse(raw);
    } catch (e) {
      problems.push(`${indirectName} (via ${own}_ENV): ${(e as Error).message}`);
      return '';
    }
  };
  const statsUser = pick(cfg.statsUserEnv, 'STATS_USER', cfg.statsUser, safeText);
  const statsPass = pick(cfg.statsPassEnv, 'STATS_PASS', cfg.statsPass, safeText);
  const statsUri = pick(cfg.statsUriEnv, 'STATS_URI', cfg.statsUri, uri) || cfg.statsUri;
  problems.push(...apiAuthProblems({ user: cfg.apiUser, pass: cfg.apiPass, token: cfg.apiToken }));
  if (problems.length > 0) throw new EnvError(problems);
  // Absolute: HAProxy's master re-executes itself with these paths, and adoption compares them.
  const configDir = resolve(cfg.configDir);
  const runtimeDir = cfg.runtimeDir === '' ? defaultRuntimeDir(configDir) : resolve(cfg.runtimeDir);
  return { ...cfg, configDir, runtimeDir, statsUser, statsPass, statsUri };
}

/** RUNTIME_DIR's default: one per CONFIG_DIR, short enough for unix socket paths (108 bytes). */
export function defaultRuntimeDir(configDir: string): string {
  const id = createHash('sha256').update(resolve(configDir)).digest('hex').slice(0, 12);
  return join(tmpdir(), `flowproxy-${id}`);
}

/** The renderer's view of the configuration; `certs` is filled per render (certificates change at runtime). */
export function toSettings(cfg: ProxyConfig, certs: readonly string[]): ProxySettings {
  const stats = cfg.statsUser !== '' && cfg.statsPass !== '';
  return {
    configDir: cfg.configDir,
    runtimeDir: cfg.runtimeDir,
    defaultPorts: cfg.defaultPorts,
    bindPorts: cfg.bindPorts,
    defaultReqMode: cfg.defaultReqMode,
    connectionMode: cfg.connectionMode,
    timeouts: {
      connect: cfg.timeoutConnect,
      client: cfg.timeoutClient,
      server: cfg.timeoutServer,
      queue: cfg.timeoutQueue,
      tunnel: cfg.timeoutTunnel,
      httpRequest: cfg.timeoutHttpRequest,
      httpKeepAlive: cfg.timeoutHttpKeepAlive,
    },
    ...(stats ? { statsUser: cfg.statsUser, statsPass: cfg.statsPass } : {}),
    statsUri: cfg.statsUri,
    ...(cfg.statsPort !== undefined ? { statsPort: cfg.statsPort } : {}),
    users: cfg.users,
    usersPassEncrypted: cfg.usersPassEncrypted,
    extraGlobal: cfg.extraGlobal,
    extraFrontend: cfg.extraFrontend,
    captureRequestHeader: cfg.captureRequestHeader,
    serviceDomainAlgo: cfg.serviceDomainAlgo,
    httpsOnly: cfg.httpsOnly,
    debug: cfg.debug,
    resolvers: cfg.resolvers,
    initAddr: cfg.initAddr,
    dnsHoldValidSeconds: cfg.dnsHoldValid,
    serverSlots: cfg.serverSlots,
    ...(cfg.compressionAlgo ? { compressionAlgo: cfg.compressionAlgo } : {}),
    ...(cfg.compressionType ? { compressionType: cfg.compressionType } : {}),
    enableH2: cfg.enableH2,
    sslBindOptions: cfg.sslBindOptions,
    sslBindCiphers: cfg.sslBindCiphers,
    certs,
    failover: {
      checkInterMs: cfg.checkInterMs,
      checkFall: cfg.checkFall,
      checkRise: cfg.checkRise,
      retries: cfg.retries,
      redispatchInterval: cfg.redispatchInterval,
    },
    hardStopAfterSeconds: cfg.hardStopAfter,
    ...(cfg.caFile ? { caFile: cfg.caFile } : {}),
    ...(cfg.crtListPath ? { crtListPath: cfg.crtListPath } : {}),
    ...(cfg.haproxyMetricsScope.length > 0 ? { metricsSocket: metricsSocketPath(cfg.runtimeDir) } : {}),
  };
}

/** Services defined by `DFP_SERVICE_*` variables (applied at start, kept by the listener resync). */
export function envServices(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string>[] {
  return servicesFromEnv(env);
}

/** Upstream variables that are set but not read here, with the reason (logged at start). */
export function ignoredEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): { name: string; reason: string }[] {
  return Object.entries(IGNORED_UPSTREAM_ENV)
    .filter(([name]) => env[name] !== undefined && env[name] !== '')
    .map(([name, reason]) => ({ name, reason }));
}
