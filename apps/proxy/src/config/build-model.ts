import type { ServiceSpec } from '@flowproxy/protocol';
import { chooseAuth, globalUserlist, serviceUserlistModel } from './auth.js';
import { httpBackend, tcpBackend } from './backends.js';
import { RenderError } from './errors.js';
import {
  serviceBinds,
  servicesFrontend,
  statsBackend,
  statsEnabled,
  statsFrontend,
  statsOwnPort,
  tcpFrontend,
  type TcpDest,
} from './frontends.js';
import { assembleHttpRouting, serviceHttpRoutes, type ServiceHttpRoutes } from './http-routes.js';
import { defaultsSection, globalSection, resolversSection } from './global.js';
import { metricsFrontend } from './haproxy-metrics.js';
import { clientCaFiles } from './client-ca.js';
import { groupName, tcpGroup, type GroupMember } from './tcp-groups.js';
import { blameParam } from './blame.js';
import type { BackendModel, FrontendModel, HaproxyModel, ServiceRejection, UserlistModel } from './model.js';
import { backendName, httpsBackendName } from './names.js';
import { compareServices } from './order.js';
import { d, plain } from './words.js';
import type { RenderInput, RenderService } from './settings.js';
import type { ServiceBuildCache } from './build-cache.js';

export interface BuiltService {
  readonly rs: RenderService;
  readonly backends: BackendModel[];
  readonly userlist?: UserlistModel;
  readonly http: ServiceHttpRoutes;
  readonly tcp: { port: number; mode: 'tcp' | 'sni'; dest: TcpDest }[];
  /** tcp destinations with a serviceGroup: rendered together per group and srcPort. */
  readonly grouped: { group: string; port: number; member: GroupMember }[];
  /** Names this service defines (backends, userlist, ACL prefixes); another service may not reuse them. */
  readonly names: string[];
}

/** What building one service gave: its sections and warnings, or the error that leaves it out. */
export type Built =
  | { readonly ok: true; readonly built: BuiltService; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: RenderError };

/** A service built alone, its warnings kept for the caller (and a cache) instead of emitted. */
function buildAlone(rs: RenderService, input: RenderInput, globalUsers: UserlistModel | undefined): Built {
  const warnings: string[] = [];
  try {
    const built = buildService(rs, input, globalUsers, (m) => warnings.push(m));
    return { ok: true, built, warnings };
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    return { ok: false, error: e };
  }
}

/**
 * Builds one service completely or throws: a service is never half in the config. Its backends,
 * userlist, routes and tcp frontends come out together. Nothing in it depends on the other
 * services or on its rank among them (the assembly orders routes), so it can be memoized.
 */
function buildService(
  rs: RenderService,
  input: RenderInput,
  globalUsers: UserlistModel | undefined,
  warn: (m: string) => void,
): BuiltService {
  const s = input.settings;
  const spec = rs.spec;
  const backends: BackendModel[] = [];
  const tcp: BuiltService['tcp'] = [];
  const grouped: BuiltService['grouped'] = [];
  const local: string[] = [];
  const localWarn = (m: string): void => {
    local.push(m.startsWith('service ') ? m : `service ${spec.serviceName}: ${m}`);
  };
  for (const dest of spec.destinations) {
    if (dest.reqMode === 'http') {
      const auth = chooseAuth(rs, dest, globalUsers);
      if (dest.port !== undefined) {
        const name = backendName(spec.aclName, dest.port, dest.index);
        backends.push(
          httpBackend({
            name,
            spec,
            dest,
            port: dest.port,
            plainHttp: true,
            auth,
            settings: s,
            warn: localWarn,
          }),
        );
      }
      if (dest.httpsPort !== undefined) {
        const name = httpsBackendName(spec.aclName, dest.httpsPort, dest.index);
        backends.push(
          httpBackend({
            name,
            spec,
            dest,
            port: dest.httpsPort,
            plainHttp: false,
            auth,
            settings: s,
            warn: localWarn,
          }),
        );
      }
    } else {
      if (dest.port === undefined || dest.srcPort === undefined)
        throw new RenderError(`${dest.reqMode} destination ${dest.index} needs port and srcPort`, {
          param: `${dest.port === undefined ? 'port' : 'srcPort'}${dest.index > 0 ? `.${dest.index}` : ''}`,
        });
      if (dest.reqMode === 'tcp' && dest.serviceGroup !== undefined) {
        grouped.push({ group: dest.serviceGroup, port: dest.srcPort, member: { spec, dest } });
        continue;
      }
      backends.push(tcpBackend(backendName(spec.aclName, dest.port, dest.index), spec, dest, dest.port, s));
      tcp.push({ port: dest.srcPort, mode: dest.reqMode, dest: { spec, dest } });
    }
  }
  const http = serviceHttpRoutes(spec, s, localWarn);
  // ACLs, map keys and tcp names are plain data until rendered: check them now, so a bad value
  // drops this service instead of failing the whole render.
  for (const a of [...http.acls, ...backends.flatMap((b) => b.acls)]) d('acl', a.name, ...a.criterion);
  for (const c of http.claims) d(c.key, c.backend);
  for (const t of tcp) t.dest.dest.servicePath.concat(t.dest.dest.serviceDomain).forEach((n) => plain(n));
  for (const g of grouped) d(groupName(g.group, g.port));
  const userlist = serviceUserlistModel(rs);
  if (userlist && userlist.users.length === 0)
    localWarn('no user of users/usersSecret has a password: the service answers 401 to everyone');
  if (userlist?.users.some((u) => u.encrypted)) {
    localWarn(
      'hashed passwords: HAProxy runs crypt() on every request (SHA-512 about 1.5k requests/s per core, yescrypt about 100); prefer SHA-512 ($6$)',
    );
  }
  local.forEach((m) => warn(m));
  const names = [
    ...backends.map((b) => `backend:${b.name}`),
    `acl:${spec.aclName}`,
    ...(userlist ? [`userlist:${userlist.name}`] : []),
  ];
  return { rs, backends, ...(userlist ? { userlist } : {}), http, tcp, grouped, names };
}

/** TCP groups by serviceGroup and srcPort, in upstream order; a port another tcp/sni frontend has stays with it. */
function tcpGroups(
  built: readonly BuiltService[],
  taken: ReadonlySet<number>,
  s: RenderInput['settings'],
  warn: (m: string) => void,
): (ReturnType<typeof tcpGroup> & { port: number })[] {
  const byKey = new Map<string, { group: string; port: number; members: GroupMember[] }>();
  const groupOfPort = new Map<number, string>();
  for (const b of built) {
    for (const g of b.grouped) {
      const owner = groupOfPort.get(g.port);
      if (taken.has(g.port) || (owner !== undefined && owner !== g.group)) {
        warn(
          `service ${b.rs.spec.serviceName}: srcPort ${g.port} is already used by ${owner !== undefined && owner !== g.group ? `tcp group ${owner}` : 'a tcp/sni service'}; its serviceGroup ${g.group} destination is not routed`,
        );
        continue;
      }
      groupOfPort.set(g.port, g.group);
      const key = `${g.group}\u0000${g.port}`;
      const entry = byKey.get(key) ?? { group: g.group, port: g.port, members: [] };
      entry.members.push(g.member);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map((e) => ({ ...tcpGroup(e.group, e.port, e.members, s, warn), port: e.port }));
}

/**
 * The whole configuration model for a routing state. Pure: same input, same model, whatever the
 * order of `input.services`. A service whose values cannot be rendered safely, or whose names
 * collide with a service earlier in upstream order, is left out and reported in `warnings`.
 * With a `cache` each service's sections are built once per spec (build-cache.ts); the model is
 * the same as without.
 */
export function buildModel(input: RenderInput, cache?: ServiceBuildCache<Built>): HaproxyModel {
  const s = input.settings;
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
  };
  const rejections: ServiceRejection[] = [];
  const reject = (serviceName: string, reason: string, parameter: string | undefined): void => {
    warn(`service ${serviceName} is not configured: ${reason}`);
    rejections.push({ serviceName, ...(parameter ? { parameter } : {}), reason, source: 'validation' });
  };
  const globalUsers = globalUserlist(s);
  if (globalUsers?.users.some((u) => u.encrypted)) {
    warn(
      'USERS has hashed passwords: HAProxy runs crypt() on every request (SHA-512 about 1.5k requests/s per core, yescrypt about 100); prefer SHA-512 ($6$)',
    );
  }
  if (s.users.some((u) => !u.password)) warn('USERS entries without a password are ignored');

  const ordered = [...input.services].sort((a, b) => compareServices(a.spec, b.spec));
  const built: BuiltService[] = [];
  const claimed = new Map<string, string>(
    globalUsers ? [[`userlist:${globalUsers.name}`, 'USERS (global)']] : [],
  );
  cache?.begin(s);
  for (const rs of ordered) {
    const result = cache
      ? cache.get(rs, () => buildAlone(rs, input, globalUsers))
      : buildAlone(rs, input, globalUsers);
    if (!result.ok) {
      const e = result.error;
      const param = e.at.param ?? (e.at.value !== undefined ? blameParam(rs.spec, e.at.value) : undefined);
      reject(rs.spec.serviceName, e.message, param);
      continue;
    }
    const b = result.built;
    result.warnings.forEach(warn);
    const clash = b.names.find((n) => claimed.has(n));
    if (clash) {
      reject(
        rs.spec.serviceName,
        `${clash.replace(':', ' ')} is already used by service ${claimed.get(clash)} (set a distinct aclName)`,
        'aclName',
      );
      continue;
    }
    b.names.forEach((n) => claimed.set(n, rs.spec.serviceName));
    built.push(b);
  }

  // tcp/sni frontends, one per srcPort; a port claimed by both modes goes to the first service.
  const tcpByPort = new Map<number, { mode: 'tcp' | 'sni'; dests: TcpDest[] }>();
  for (const b of built) {
    for (const t of b.tcp) {
      const group = tcpByPort.get(t.port);
      if (!group) tcpByPort.set(t.port, { mode: t.mode, dests: [t.dest] });
      else if (group.mode === t.mode) group.dests.push(t.dest);
      else
        warn(
          `service ${b.rs.spec.serviceName}: srcPort ${t.port} is already used in ${group.mode} mode; this ${t.mode} destination is not routed`,
        );
    }
  }
  const frontends: FrontendModel[] = [];
  for (const [port, g] of tcpByPort) frontends.push(tcpFrontend(port, g.mode, g.dests, s, warn));
  const groups = tcpGroups(built, new Set(tcpByPort.keys()), s, warn);
  frontends.push(...groups.map((g) => g.frontend));

  const stats = statsEnabled(s);
  const routing = assembleHttpRouting(
    built.map((b) => b.http),
    s,
    stats && !statsOwnPort(s),
    warn,
  );
  const binds = serviceBinds(s, new Set([...tcpByPort.keys(), ...groups.map((g) => g.port)]), warn);
  const bound = new Set(binds.map((b) => b.port));
  for (const b of built) {
    for (const dest of b.rs.spec.destinations) {
      if (dest.reqMode === 'http' && dest.srcPort !== undefined && !bound.has(dest.srcPort)) {
        warn(
          `service ${b.rs.spec.serviceName}: srcPort ${dest.srcPort} is not bound (add it to BIND_PORTS), destination ${dest.index} is unreachable`,
        );
      }
    }
  }
  if (binds.length > 0) frontends.push(servicesFrontend(s, binds, routing));
  else warn('frontend services has no port to bind (DEFAULT_PORTS/BIND_PORTS): http routes are not served');

  const metrics = metricsFrontend(s);
  if (metrics) frontends.push(metrics);
  const backends = [...built.flatMap((b) => b.backends), ...groups.map((g) => g.backend)];
  if (stats) {
    backends.push(statsBackend(s));
    if (statsOwnPort(s)) frontends.push(statsFrontend(s));
  }
  const userlists = [
    ...(globalUsers ? [globalUsers] : []),
    ...built.flatMap((b) => (b.userlist ? [b.userlist] : [])),
  ];
  return {
    global: globalSection(s),
    defaults: defaultsSection(s),
    resolvers: resolversSection(s),
    userlists,
    frontends,
    backends,
    maps: routing.maps,
    // With CRT_LIST_PATH the operator's crt-list is used as it is, and none is written (upstream).
    ...(s.certs.length > 0 && !s.crtListPath ? { crtList: [...s.certs] } : {}),
    ...(s.caFile ? { extraFiles: clientCaFiles(s) } : {}),
    warnings,
    rejections,
  };
}

export type { ServiceSpec };
