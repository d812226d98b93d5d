import { PROXY_ENV } from './env.js';
import { IGNORED_UPSTREAM_ENV } from './state/env-services.js';

export const MIGRATING_PROXY_START = '<!-- migrating-proxy:start -->';
export const MIGRATING_PROXY_END = '<!-- migrating-proxy:end -->';

/** Every environment variable of upstream's proxy (dfp-reference 2), in its order. */
export const UPSTREAM_PROXY_ENV = [
  'LISTENER_ADDRESS',
  'SERVICE_NAME',
  'PORT',
  'IP',
  'PROXY_INSTANCE_NAME',
  'FILTER_PROXY_INSTANCE_NAME',
  'DEFAULT_PORTS',
  'BIND_PORTS',
  'DEFAULT_REQ_MODE',
  'DEFAULT_PROTOCOL',
  'CONNECTION_MODE',
  'TIMEOUT_CONNECT',
  'TIMEOUT_CLIENT',
  'TIMEOUT_SERVER',
  'TIMEOUT_QUEUE',
  'TIMEOUT_TUNNEL',
  'TIMEOUT_HTTP_REQUEST',
  'TIMEOUT_HTTP_KEEP_ALIVE',
  'STATS_USER',
  'STATS_PASS',
  'STATS_USER_ENV',
  'STATS_PASS_ENV',
  'STATS_URI_ENV',
  'STATS_URI',
  'STATS_PORT',
  'USERS',
  'USERS_PASS_ENCRYPTED',
  'EXTRA_GLOBAL',
  'EXTRA_FRONTEND',
  'CAPTURE_REQUEST_HEADER',
  'DEBUG',
  'DEBUG_ERRORS_ONLY',
  'DEBUG_HTTP_FORMAT',
  'DEBUG_TCP_FORMAT',
  'CFG_TEMPLATE_PATH',
  'CERTS',
  'CRT_LIST_PATH',
  'PREFERRED_CERTIFICATE',
  'ENABLE_H2',
  'CA_FILE',
  'SSL_BIND_OPTIONS',
  'SSL_BIND_CIPHERS',
  'COMPRESSION_ALGO',
  'COMPRESSION_TYPE',
  'CHECK_RESOLVERS',
  'DO_NOT_RESOLVE_ADDR',
  'RESOLVERS',
  'HTTPS_ONLY',
  'SERVICE_DOMAIN_ALGO',
  'SEPARATOR',
  'SKIP_ADDRESS_VALIDATION',
  'RECONFIGURE_ATTEMPTS',
  'RELOAD_INTERVAL',
  'REPEAT_RELOAD',
  'RELOAD_ATTEMPTS',
  'TERMINATE_ON_RELOAD',
  'DNS_LOOKUP_PAUSE_MS',
  'DISPLAY_CONFIG_ON_ERROR',
  'HEALTHCHECK',
  'MODE',
  'DFP_SERVICE_*',
] as const;

/** Upstream variables read here with a deliberate difference, and why. */
export const PROXY_ENV_DIFFERENCES: Readonly<Record<string, string>> = {
  SERVICE_DOMAIN_ALGO:
    'default `hdr(host)` instead of `hdr_beg(host)`: exact host, so example.com.evil.net does not match, and plain domains route through a map',
  REPEAT_RELOAD:
    'default `true` instead of `false`: the periodic resync heals lost notifications and reloads only when something changed (see "Manual changes and the resync" below)',
  CERTS:
    'upstream ignored it; here extra certificate files (absolute paths) after CERTS_DIR and `cert-*` secrets',
  RESOLVERS: '`parse-resolv-conf` is also accepted',
  DEFAULT_PORTS:
    'a `:ssl` port is bound only once a certificate exists (upstream bound plain HTTP on 443 without one)',
  CA_FILE:
    'a path as upstream, or the CA PEM itself (e.g. the `dfp_ca_file` secret), written beside haproxy.cfg',
  PREFERRED_CERTIFICATE: 'globs are `*` and `?`, matched against the file name or the whole path',
  DEBUG: 'HAProxy logs to stdout (the control plane logs it as JSON) instead of an in-process syslog',
  CONNECTION_MODE: 'only `http-keep-alive`, `http-server-close` or `httpclose` are accepted',
};

/** Other names for upstream variables. */
const RENAMED: Readonly<Record<string, string>> = {
  PORT: 'API_PORT (PORT is logged as unused)',
  IP: 'the API listens on every address; restrict it with the published ports',
  'DFP_SERVICE_*':
    'same: `DFP_SERVICE_<FIELD>` and `DFP_SERVICE_<n>_<FIELD>[_<j>]`, validated like any request',
  HEALTHCHECK: 'the image HEALTHCHECK calls `/v1/docker-flow-proxy/healthy`; no variable',
  DISPLAY_CONFIG_ON_ERROR:
    "a rejected change answers with HAProxy's own message and the parameter; the running config is `GET config`",
};

const known = new Set(Object.values(PROXY_ENV).map((v) => v.name));

export function proxyEnvStatus(name: string): string {
  const renamed = RENAMED[name];
  if (renamed) return renamed.startsWith('same') ? renamed : `different: ${renamed}`;
  const ignored = IGNORED_UPSTREAM_ENV[name];
  if (ignored) return `not used (logged at start): ${ignored}`;
  if (!known.has(name)) return '**not supported**';
  const diff = PROXY_ENV_DIFFERENCES[name];
  return diff ? `different: ${diff}` : 'same';
}

/** Upstream's proxy endpoints (dfp-reference 3) and what answers them here. */
export const UPSTREAM_ENDPOINTS: readonly (readonly [string, string])[] = [
  [
    'reconfigure',
    'same (any method, query or body; 400/409 as upstream, JSON with `Status`, `Message` and a stable `code`); `distribute=true` waits for every replica and names the ones that failed',
  ],
  ['remove', 'same; `distribute=true` as reconfigure'],
  [
    'reload',
    'same (`recreate` re-renders, `fromListener=true` asks the listener to re-send every service); a failure answers `Status: NOK` (upstream answered OK with 500)',
  ],
  [
    'config',
    'same: the running haproxy.cfg as text (passwords masked), `type=json` the services (plus `rejected`, `version`, `hash`)',
  ],
  [
    'certs',
    'same shape `{Status, Message, Certs: [{ServicePort, ProxyServiceName, CertsDir, CertContent}]}`; a new replica copies them at start',
  ],
  [
    'cert',
    'same: `PUT` with `certName` and the PEM; `distribute=true` stores it on every replica and names the ones that failed',
  ],
  ['ping', 'same'],
  [
    'successfulinitreload',
    "same (200 once the listener's state is applied; 503 before, upstream 500); also `healthy` and `ready`",
  ],
  ['metrics', "same: HAProxy's statistics CSV; `distribute=true` every replica's"],
  [
    '/metrics',
    "different: the control plane's Prometheus series plus HAProxy's own `haproxy_*` series from its built-in exporter (upstream converted the stats CSV)",
  ],
  ['/v1/test, /v2/test', "**not supported**: upstream's test endpoints; use `ping`"],
];

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The proxy's part of docs/MIGRATING.md: every upstream variable and endpoint with its status. */
export function migratingProxyMarkdown(): string {
  const env = UPSTREAM_PROXY_ENV.map((n) => `| \`${n}\` | ${cell(proxyEnvStatus(n))} |`).join('\n');
  const endpoints = UPSTREAM_ENDPOINTS.map(
    ([p, s]) => `| \`${p.startsWith('/') ? p : `/v1/docker-flow-proxy/${p}`}\` | ${cell(s)} |`,
  ).join('\n');
  return `${MIGRATING_PROXY_START}
<!-- Generated from apps/proxy/src/migration.ts and env.ts by \`npm run docs\`. Do not edit by hand. -->
### Proxy environment variables

| Upstream variable | Status here |
|---|---|
${env}

### Proxy endpoints

| Upstream endpoint | Status here |
|---|---|
${endpoints}
${MIGRATING_PROXY_END}`;
}
