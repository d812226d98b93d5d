import type { Destination, ServiceSpec } from '@flowproxy/protocol';
import type { HttpRouting } from './http-routes.js';
import type { AclModel, BackendModel, BindModel, Directive, FrontendModel, Line } from './model.js';
import { backendName, CRT_LIST_FILE, SERVICES_FRONTEND, STATS_BACKEND } from './names.js';
import type { BindSpec, ProxySettings } from './settings.js';
import { clientCaWords } from './client-ca.js';
import { d, quoted, raw } from './words.js';

/** Identical ACL lines (same name and criterion) appear once; same-named different lines stay (ORed). */
export function dedupeAcls(acls: readonly AclModel[]): AclModel[] {
  const seen = new Set<string>();
  return acls.filter((a) => {
    const key = JSON.stringify(a);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Binds of `frontend services`. A `:ssl` port is bound only when certificates exist: upstream
 * bound plain HTTP on 443 without certificates, which answers TLS clients with garbage.
 */
export function serviceBinds(
  s: ProxySettings,
  taken: ReadonlySet<number>,
  warn: (m: string) => void,
): BindModel[] {
  const byPort = new Map<number, BindSpec>();
  for (const b of [...s.defaultPorts, ...s.bindPorts]) if (!byPort.has(b.port)) byPort.set(b.port, b);
  const binds: BindModel[] = [];
  for (const b of byPort.values()) {
    if (taken.has(b.port)) {
      warn(`port ${b.port} is taken by a tcp/sni service and is not bound for http`);
      continue;
    }
    if (b.ssl && s.certs.length === 0 && !s.crtListPath) {
      warn(`port ${b.port} (ssl) is not bound: no certificate is configured yet`);
      continue;
    }
    const ssl = b.ssl
      ? [
          'ssl',
          'crt-list',
          s.crtListPath ?? `${s.configDir}/${CRT_LIST_FILE}`,
          'alpn',
          s.enableH2 ? 'h2,http/1.1' : 'http/1.1',
          ...clientCaWords(s),
        ]
      : [];
    binds.push({ port: b.port, words: [`*:${b.port}`, ...b.options, ...ssl] });
  }
  return binds;
}

/** `frontend services`: every http route of every service (see http-routes.ts for the order). */
export function servicesFrontend(s: ProxySettings, binds: BindModel[], routing: HttpRouting): FrontendModel {
  const http = s.defaultReqMode === 'http';
  const settings: Line[] = [];
  if (http) settings.push(d('option', 'forwardfor'));
  if (s.debug) settings.push(d('option', http ? 'httplog' : 'tcplog'));
  if (!http) settings.push(d('no', 'option', 'idle-close-on-response'));
  for (const c of s.captureRequestHeader)
    settings.push(d('capture', 'request', 'header', c.name, 'len', String(c.length)));
  for (const extra of s.extraFrontend) if (extra.trim()) settings.push(raw(extra));
  return {
    name: SERVICES_FRONTEND,
    mode: http ? 'http' : 'tcp',
    binds,
    settings,
    acls: http ? dedupeAcls(routing.acls) : [],
    requestRules: http ? [...routing.redirects, ...routing.lookups] : [],
    routes: http ? routing.routes : [],
    // In DEFAULT_REQ_MODE=tcp the frontend cannot hand requests to http backends.
    ...(http && routing.defaultBackend ? { defaultBackend: routing.defaultBackend } : {}),
  };
}

export interface TcpDest {
  readonly spec: ServiceSpec;
  readonly dest: Destination;
}

/**
 * `frontend tcpFE_<srcPort>` (tcp) or `frontend service_<srcPort>` (sni), one per srcPort, as
 * upstream. Destinations with domains are picked by SNI; the first one without is the default.
 */
export function tcpFrontend(
  port: number,
  mode: 'tcp' | 'sni',
  dests: readonly TcpDest[],
  s: ProxySettings,
  warn: (m: string) => void,
): FrontendModel {
  const settings: Line[] = [d('no', 'option', 'idle-close-on-response')];
  if (s.debug) settings.push(d('option', 'tcplog'));
  const first = dests[0]?.dest;
  if (first?.timeoutClient !== undefined) settings.push(d('timeout', 'client', `${first.timeoutClient}s`));
  if (dests.some((x) => x.dest.clitcpka)) settings.push(d('option', 'clitcpka'));
  const acls: AclModel[] = [];
  const routes: Directive[] = [];
  let defaultBackend: string | undefined;
  for (const { spec, dest } of dests) {
    const be = backendName(spec.aclName, dest.port as number, dest.index);
    const names = mode === 'sni' ? dest.servicePath : dest.serviceDomain;
    if (names.length > 0) {
      const acl = `${mode === 'sni' ? 'sni' : 'domain'}_${spec.aclName}${dest.port}_${dest.index}`;
      acls.push({ name: acl, criterion: ['req.ssl_sni', '-i', ...names.map((n) => n.replace(/^\*/, ''))] });
      routes.push(d('use_backend', be, 'if', acl));
    } else if (defaultBackend === undefined) {
      defaultBackend = be;
    } else {
      warn(
        `service ${spec.serviceName}: port ${port} already has default backend ${defaultBackend}; give this destination a ${mode === 'sni' ? 'servicePath (SNI name)' : 'serviceDomain'}`,
      );
    }
  }
  const requestRules =
    routes.length > 0
      ? [
          d('tcp-request', 'inspect-delay', '5s'),
          d('tcp-request', 'content', 'accept', 'if', '{', 'req_ssl_hello_type', '1', '}'),
        ]
      : [];
  return {
    name: mode === 'sni' ? `service_${port}` : `tcpFE_${port}`,
    mode: 'tcp',
    binds: [{ port, words: [`*:${port}`] }],
    settings,
    acls,
    requestRules,
    routes,
    ...(defaultBackend ? { defaultBackend } : {}),
  };
}

/** Stats are served only with both credentials; `none`/`none` means no auth (as upstream). */
export const statsEnabled = (s: ProxySettings): boolean => Boolean(s.statsUser && s.statsPass);
export const statsOwnPort = (s: ProxySettings): boolean => s.statsPort !== undefined && s.statsPort !== 80;

export function statsBackend(s: ProxySettings): BackendModel {
  const settings: Line[] = [
    d('mode', 'http'),
    d('stats', 'enable'),
    d('stats', 'refresh', '30s'),
    d('stats', 'realm', 'Stats'),
    d('stats', 'uri', s.statsUri),
  ];
  if (!(s.statsUser === 'none' && s.statsPass === 'none')) {
    settings.push(d('stats', 'auth', quoted(`${s.statsUser}:${s.statsPass}`)));
  }
  return {
    name: STATS_BACKEND,
    mode: 'http',
    settings,
    acls: [],
    requestRules: [],
    responseRules: [],
    servers: [],
    extra: [],
  };
}

export function statsFrontend(s: ProxySettings): FrontendModel {
  const port = s.statsPort as number;
  return {
    name: STATS_BACKEND,
    mode: 'http',
    binds: [{ port, words: [`*:${port}`] }],
    settings: [],
    acls: [],
    requestRules: [],
    routes: [],
    defaultBackend: STATS_BACKEND,
  };
}
