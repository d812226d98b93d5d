import { PARAMS } from '@flowproxy/protocol';

const upperSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const BY_UPPER = new Map(PARAMS.map((p) => [upperSnake(p.name), p.name]));
const camel = (upper: string): string =>
  upper.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Services defined by env vars, as upstream (dfp-reference 1d): `DFP_SERVICE_<FIELD>` is one
 * service, `DFP_SERVICE_<n>_<FIELD>` (n = 1, 2, ... up to the first without SERVICE_NAME) more;
 * a trailing `_<j>` indexes a destination (`DFP_SERVICE_1_PORT_2` -> `port.2`). Field names are
 * the parameters in UPPER_SNAKE; an unknown one is passed on so validation names it.
 */
export function servicesFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string>[] {
  const groups = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('DFP_SERVICE_') || value === undefined || value === '') continue;
    const rest = key.slice('DFP_SERVICE_'.length);
    const numbered = /^([0-9]+)_(.+)$/.exec(rest);
    const n = numbered ? Number(numbered[1]) : 0;
    const field = numbered ? (numbered[2] ?? '') : rest;
    const m = /^(.*?)(?:_([0-9]+))?$/.exec(field);
    const upper = m?.[1] ?? field;
    const param = BY_UPPER.get(upper) ?? camel(upper);
    const name =
      m?.[2] !== undefined && BY_UPPER.has(upper) ? `${param}.${m[2]}` : (BY_UPPER.get(field) ?? param);
    const group = groups.get(n) ?? {};
    group[name] = value;
    groups.set(n, group);
  }
  const out: Record<string, string>[] = [];
  if (groups.get(0)?.serviceName) out.push(groups.get(0) as Record<string, string>);
  for (let n = 1; groups.get(n)?.serviceName; n++) out.push(groups.get(n) as Record<string, string>);
  return out;
}

/** Upstream variables this proxy does not read, with why, so setting one is never silently ignored. */
export const IGNORED_UPSTREAM_ENV: Readonly<Record<string, string>> = {
  CHECK_RESOLVERS: 'every server already resolves through the resolvers section (INIT_ADDR)',
  DO_NOT_RESOLVE_ADDR: 'an unresolvable name never invalidates the configuration (INIT_ADDR)',
  SKIP_ADDRESS_VALIDATION: 'addresses are resolved by HAProxy at run time, never before a reconfigure',
  RECONFIGURE_ATTEMPTS: 'an invalid change is rejected at once; nothing is retried behind a lock',
  RELOAD_ATTEMPTS: 'the listener is retried every RELOAD_INTERVAL until it answers',
  TERMINATE_ON_RELOAD: 'reloads are hitless (master-worker); old workers stop after HARD_STOP_AFTER',
  CFG_TEMPLATE_PATH:
    'custom templates are not supported: the configuration is generated from typed parameters',
  DEBUG_ERRORS_ONLY: 'not supported; DEBUG logs every request',
  DEBUG_HTTP_FORMAT: 'not supported; DEBUG uses HAProxy`s default format',
  DEBUG_TCP_FORMAT: 'not supported; DEBUG uses HAProxy`s default format',
  DEFAULT_PROTOCOL: 'env-defined services take reqMode like any other',
  PORT: 'use API_PORT',
  MODE: 'legacy, no effect upstream either',
};
