import { LISTENER_ENV } from './env.js';

export const MIGRATING_LISTENER_START = '<!-- migrating-listener:start -->';
export const MIGRATING_LISTENER_END = '<!-- migrating-listener:end -->';

/** Every environment variable of upstream's listener (dfp-reference 4a), in its order. */
export const UPSTREAM_LISTENER_ENV = [
  'DF_DOCKER_HOST',
  'DF_NOTIFY_CREATE_SERVICE_URL',
  'DF_NOTIFY_REMOVE_SERVICE_URL',
  'DF_NOTIF_CREATE_SERVICE_URL',
  'DF_NOTIF_REMOVE_SERVICE_URL',
  'DF_NOTIFICATION_URL',
  'DF_NOTIFY_CREATE_SERVICE_METHOD',
  'DF_NOTIFY_REMOVE_SERVICE_METHOD',
  'DF_NOTIFY_CREATE_NODE_URL',
  'DF_NOTIFY_REMOVE_NODE_URL',
  'DF_NOTIFY_LABEL',
  'DF_RETRY',
  'DF_RETRY_INTERVAL',
  'DF_SERVICE_POLLING_INTERVAL',
  'DF_USE_DOCKER_SERVICE_EVENTS',
  'DF_NODE_POLLING_INTERVAL',
  'DF_USE_DOCKER_NODE_EVENTS',
  'DF_INCLUDE_NODE_IP_INFO',
  'DF_NODE_IP_INFO_INCLUDES_TASK_ADDRESS',
  'DF_SERVICE_NAME_PREFIX',
  'DF_NOTIFY_CREATE_SERVICE_IMMEDIATELY',
  'DF_INTERVAL',
] as const;

/** Upstream listener variables with a deliberate difference here, and why. */
export const LISTENER_ENV_DIFFERENCES: Readonly<Record<string, string>> = {
  DF_SERVICE_POLLING_INTERVAL:
    '`-1`/`0` still reconcile every 30 s (events alone miss changes when the stream drops); upstream did not poll',
  DF_NODE_IP_INFO_INCLUDES_TASK_ADDRESS:
    'only `true` (the default) is supported; `false` stops start-up with a message',
  DF_RETRY_INTERVAL: 'decimals allowed; a newer notification for the same service cancels pending retries',
};

const REMOVED: Readonly<Record<string, string>> = {
  DF_INTERVAL:
    '**not supported** (removed upstream in 2018 too): events plus the periodic reconcile replace it',
};

const known = new Set(Object.values(LISTENER_ENV).map((v) => v.name));

export function listenerEnvStatus(name: string): string {
  const removed = REMOVED[name];
  if (removed) return removed;
  if (!known.has(name)) return '**not supported**';
  const diff = LISTENER_ENV_DIFFERENCES[name];
  return diff ? `different: ${diff}` : 'same';
}

/** Upstream's listener endpoints (dfp-reference 4b) and what answers them here. */
const ENDPOINTS: readonly (readonly [string, string])[] = [
  ['notify-services', 'same: re-sends every labelled service'],
  ['get-services', 'same: the parameter maps of the labelled services whose tasks run'],
  ['get-nodes', 'same: the node parameter maps'],
  ['ping', 'same'],
  [
    '/metrics',
    'different: Prometheus series of notifications sent, failed and retried per URL (upstream: `docker_flow_error`, `docker_flow_service_count`)',
  ],
];

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The listener's part of docs/MIGRATING.md. */
export function migratingListenerMarkdown(): string {
  const env = UPSTREAM_LISTENER_ENV.map((n) => `| \`${n}\` | ${cell(listenerEnvStatus(n))} |`).join('\n');
  const endpoints = ENDPOINTS.map(
    ([p, s]) => `| \`${p.startsWith('/') ? p : `/v1/docker-flow-swarm-listener/${p}`}\` | ${cell(s)} |`,
  ).join('\n');
  return `${MIGRATING_LISTENER_START}
<!-- Generated from apps/swarm-listener/src/migration.ts and env.ts by \`npm run docs\`. Do not edit by hand. -->
### Listener environment variables

| Upstream variable | Status here |
|---|---|
${env}

Added here: ${Object.values(LISTENER_ENV)
    .map((v) => v.name)
    .filter((n) => !(UPSTREAM_LISTENER_ENV as readonly string[]).includes(n))
    .map((n) => `\`${n}\``)
    .join(', ')} (see docs/CONFIG.md).

### Listener endpoints

| Upstream endpoint | Status here |
|---|---|
${endpoints}
${MIGRATING_LISTENER_END}`;
}
