import type { Destination, HeaderOp, ServiceSpec } from '@flowproxy/protocol';
import { authAcl, authRules, type AuthChoice } from './auth.js';
import type { AclModel, BackendModel, Directive, Line } from './model.js';
import { MAX_SERVER_SLOTS, RESOLVERS } from './names.js';
import type { ProxySettings } from './settings.js';
import { converterArg, d, quoted, raw, text } from './words.js';

/**
 * Health checks (CHECK_INTER_MS, CHECK_FALL, CHECK_RISE): with the defaults a task that died with
 * its node leaves rotation within about 3 s; until then a request sent to it waits `timeout
 * connect` and is redispatched to another task (defaults section).
 */
function check(s: ProxySettings): string[] {
  const f = s.failover;
  const inter = f.checkInterMs % 1000 === 0 ? `${f.checkInterMs / 1000}s` : `${f.checkInterMs}ms`;
  return ['check', 'inter', inter, 'fall', String(f.checkFall), 'rise', String(f.checkRise)];
}
const RESOLVE = ['resolvers', RESOLVERS, 'resolve-prefer', 'ipv4'];

export function serverSlots(spec: ServiceSpec, s: ProxySettings): number {
  return Math.min(Math.max(spec.replicas ?? 0, s.serverSlots, 1), MAX_SERVER_SLOTS);
}

/**
 * Server lines. DNS (default): one slot per task through Docker's `tasks.<service>` records, so
 * scaling and task churn need no reload. Overlay: upstream's single server on the service VIP.
 * outboundHostname: a fixed host outside the Swarm. All resolve through the resolvers section, so
 * a name that does not resolve yet never invalidates the config (init-addr from defaults).
 */
export function serverLines(
  spec: ServiceSpec,
  dest: Destination,
  port: number,
  s: ProxySettings,
): Directive[] {
  const ssl = dest.sslVerifyNone ? ['ssl', 'verify', 'none'] : [];
  const tail = [...RESOLVE, ...check(s), ...ssl];
  if (dest.outboundHostname)
    return [d('server', spec.serviceName, `${dest.outboundHostname}:${port}`, ...tail)];
  if (spec.discoveryType === 'Overlay')
    return [d('server', spec.serviceName, `${spec.serviceName}:${port}`, ...tail)];
  return [
    d(
      'server-template',
      spec.serviceName,
      String(serverSlots(spec, s)),
      `tasks.${spec.serviceName}:${port}`,
      ...tail,
    ),
  ];
}

const headerRule = (
  kind: 'http-request' | 'http-response',
  op: 'add-header' | 'set-header',
  h: HeaderOp,
): Directive => d(kind, op, h.name, text(h.value));

/** Header operations with an empty value are skipped: HAProxy drops empty arguments and rejects the line. */
function headerRules(
  kind: 'http-request' | 'http-response',
  add: readonly HeaderOp[],
  set: readonly HeaderOp[],
  del: readonly string[],
  warn: (m: string) => void,
): Directive[] {
  const usable = (h: HeaderOp): boolean => {
    if (h.value.trim() === '')
      warn(
        `header ${h.name} has no value and is skipped (use del${kind === 'http-request' ? 'Req' : 'Res'}Header to remove a header)`,
      );
    return h.value.trim() !== '';
  };
  return [
    ...add.filter(usable).map((h) => headerRule(kind, 'add-header', h)),
    ...set.filter(usable).map((h) => headerRule(kind, 'set-header', h)),
    ...del.map((name) => d(kind, 'del-header', name)),
  ];
}

export interface HttpBackendInput {
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly dest: Destination;
  readonly port: number;
  /** The plain-HTTP backend carries denyHttp; the https-<...> one does not (as upstream). */
  readonly plainHttp: boolean;
  readonly auth: AuthChoice | undefined;
  readonly settings: ProxySettings;
  readonly warn: (message: string) => void;
}

/** An http backend (dfp-reference 5.3), rules ordered: redirect, deny, auth, headers, rewrite. */
export function httpBackend(i: HttpBackendInput): BackendModel {
  const { spec, dest, settings: s } = i;
  const settings: Line[] = [d('mode', 'http'), d('balance', 'roundrobin')];
  if (spec.sessionType === 'sticky-server') {
    // Dynamic cookies are derived from each slot's address, so they work with server-template.
    settings.push(d('cookie', spec.serviceName, 'insert', 'indirect', 'nocache', 'dynamic'));
    settings.push(d('dynamic-cookie-key', spec.serviceName));
  }
  if (spec.connectionMode) settings.push(d('option', spec.connectionMode));
  if (dest.timeoutServer !== undefined) settings.push(d('timeout', 'server', `${dest.timeoutServer}s`));
  if (dest.timeoutTunnel !== undefined) settings.push(d('timeout', 'tunnel', `${dest.timeoutTunnel}s`));
  if (spec.compressionAlgo) settings.push(d('compression', 'algo', spec.compressionAlgo));
  if (spec.compressionType)
    settings.push(d('compression', 'type', ...spec.compressionType.split(/\s+/).filter(Boolean)));

  const acls: AclModel[] = [];
  const rules: Directive[] = [];
  const httpsOnly = dest.httpsOnly ?? s.httpsOnly;
  const code = dest.httpsRedirectCode !== undefined ? ['code', String(dest.httpsRedirectCode)] : [];
  if (httpsOnly)
    rules.push(d('http-request', 'redirect', 'scheme', 'https', ...code, 'if', '!{', 'ssl_fc', '}'));
  if (dest.denyHttp && i.plainHttp) rules.push(d('http-request', 'deny', 'if', '!{', 'ssl_fc', '}'));
  if (dest.verifyClientSsl) {
    // Upstream's rule: a certificate was presented and CA_FILE verified it (the binds ask with
    // `verify optional`, so other services on the same port still take clients without one).
    const acl = `valid_client_cert_${spec.serviceName}${i.port}`;
    acls.push({ name: acl, criterion: ['ssl_c_used', 'ssl_c_verify', '0'] });
    rules.push(d('http-request', 'deny', 'unless', acl));
    if (!s.caFile)
      i.warn(
        'verifyClientSsl=true without CA_FILE: no client certificate can be verified, every request is denied',
      );
  }
  if (dest.allowedMethods.length > 0) {
    acls.push({ name: 'valid_allowed_method', criterion: ['method', ...dest.allowedMethods] });
    rules.push(d('http-request', 'deny', 'unless', 'valid_allowed_method'));
  }
  if (dest.deniedMethods.length > 0) {
    acls.push({ name: 'valid_denied_method', criterion: ['method', ...dest.deniedMethods] });
    rules.push(d('http-request', 'deny', 'if', 'valid_denied_method'));
  }
  if (i.auth) {
    acls.push(authAcl(i.auth));
    rules.push(...authRules(i.auth));
  }
  rules.push(d('http-request', 'set-header', 'X-Forwarded-Proto', 'https', 'if', '{', 'ssl_fc', '}'));
  rules.push(...headerRules('http-request', spec.addReqHeader, spec.setReqHeader, spec.delReqHeader, i.warn));
  for (const r of dest.reqPathSearchReplace) {
    // regsub replaces the first match, like sed s/<search>/<replace>/.
    const expr = `%[path,regsub(${converterArg(r.search)},${converterArg(r.replace)},)]`;
    rules.push(d('http-request', 'set-path', quoted(expr)));
  }
  const responseRules = headerRules(
    'http-response',
    spec.addResHeader,
    spec.setResHeader,
    spec.delResHeader,
    i.warn,
  );
  return {
    name: i.name,
    mode: 'http',
    settings,
    acls,
    requestRules: rules,
    responseRules,
    servers: serverLines(spec, dest, i.port, s),
    extra: spec.backendExtra ? [raw(spec.backendExtra)] : [],
  };
}

/** A tcp backend (tcp and sni destinations). */
export function tcpBackend(
  name: string,
  spec: ServiceSpec,
  dest: Destination,
  port: number,
  s: ProxySettings,
): BackendModel {
  const settings: Line[] = [d('mode', 'tcp'), d('balance', 'roundrobin')];
  if (dest.checkTcp) settings.push(d('option', 'tcp-check'));
  if (dest.timeoutServer !== undefined) settings.push(d('timeout', 'server', `${dest.timeoutServer}s`));
  if (dest.timeoutTunnel !== undefined) settings.push(d('timeout', 'tunnel', `${dest.timeoutTunnel}s`));
  return {
    name,
    mode: 'tcp',
    settings,
    acls: [],
    requestRules: [],
    responseRules: [],
    servers: serverLines(spec, dest, port, s),
    extra: spec.backendExtra ? [raw(spec.backendExtra)] : [],
  };
}
