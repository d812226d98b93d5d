/**
 * How http requests find their backend in `frontend services`.
 *
 * Plain routes go through maps, one lookup per map whatever the number of services (linear ACLs
 * keep 22 % of the throughput at 1,000 routes, a map 94-98 %, haproxy-facts Q4). Routes a map
 * cannot express keep upstream's ACL + use_backend form. Rules are evaluated in tiers, first match
 * wins:
 *
 *   0 stats            `use_backend stats` when the URL begins with STATS_URI
 *   1 well-known       ACL routes of services with a `/.well-known...` path (upstream ranks them first)
 *   2 specific ACLs    ACL routes without a `/` path, in upstream service order (aclName)
 *   3 hostpaths.map    exact domain + path prefix, key `<host><path>`, longest match wins
 *   4 paths.map        path prefix on any host, longest match wins
 *   5 hosts.map        exact domain (its path is `/`, given or implied by a domain without path)
 *   6 root ACLs        ACL routes with a `/` path (upstream ranks them last): the ones with more
 *                      conditions than the path first, then plain `/` catch-alls, each in aclName order
 *   - default_backend  the first service with isDefaultBackend
 *
 * Prefix semantics are upstream's `path_beg`: `/demo` also captures `/demonstration` and `/demo/x`.
 * Unlike upstream, the longer of two plain prefixes wins whatever their aclNames (a map picks the
 * longest match); aclName still orders ACL routes and decides which service keeps a map key that
 * two services claim. Domains match the Host header without its port, case-insensitively; a `*`
 * prefix matches the end of the host (hdr_end); other SERVICE_DOMAIN_ALGOs render as ACLs.
 * A map key can hold one backend: the first service in upstream order keeps it, the rest are reported.
 */
import type { Destination, ServiceSpec } from '@flowproxy/protocol';
import type { AclModel, Directive, MapEntry, Word } from './model.js';
import { backendName, httpsBackendName, MAP_FILES, MAP_VARS } from './names.js';
import { isWellKnown } from './order.js';
import type { ProxySettings } from './settings.js';
import { d, quoted } from './words.js';

export const HOST = 'req.hdr(host),field(1,:)';

/** The tiers of the header comment, by name; rules are sorted by tier, then within it. */
export const TIER = {
  stats: 0,
  wellKnown: 1,
  specificAcl: 2,
  hostPathMap: 3,
  pathMap: 4,
  hostMap: 5,
  rootAcl: 6,
} as const;
export type Tier = (typeof TIER)[keyof typeof TIER];

export interface RankedRoute {
  readonly tier: Tier;
  /** 0 when the route has conditions beyond its path, 1 for a bare path (only used in TIER.rootAcl). */
  readonly generic: number;
  readonly line: Directive;
}

export interface HttpRouting {
  readonly acls: AclModel[];
  /** Redirect rules (http-request), service order. */
  readonly redirects: Directive[];
  /** http-request set-var rules of the map lookups. */
  readonly lookups: Directive[];
  readonly routes: Directive[];
  readonly maps: Record<string, MapEntry[]>;
  readonly defaultBackend?: string;
}

const isExactMappableDomain = (domain: string, algo: string): boolean =>
  algo === 'hdr(host)' && !domain.startsWith('*') && !domain.includes(':');

/** Whether a destination is expressible as map entries (plain path prefixes and exact domains). */
export function isMappable(spec: ServiceSpec, dest: Destination, algo: string): boolean {
  return (
    dest.port !== undefined &&
    !isWellKnown(spec) &&
    !spec.redirectWhenHttpProto &&
    !spec.redirectUnlessHttpsProto &&
    (dest.pathType === undefined || dest.pathType === 'path_beg') &&
    dest.servicePathExclude.length === 0 &&
    dest.serviceHeader.length === 0 &&
    dest.userAgent.length === 0 &&
    dest.srcPort === undefined &&
    dest.httpsPort === undefined &&
    dest.serviceDomain.every((dom) => isExactMappableDomain(dom, algo))
  );
}

/** Domain ACL lines (same name, ORed): exact host, host with port, wildcard suffixes. */
export function domainAcls(name: string, domains: readonly string[], algo: string): AclModel[] {
  const wild = domains.filter((x) => x.startsWith('*')).map((x) => x.slice(1));
  const exact = domains.filter((x) => !x.startsWith('*'));
  const acls: AclModel[] = [];
  const add = (criterion: Word[], values: string[]): void => {
    if (values.length > 0) acls.push({ name, criterion: [...criterion, ...values] });
  };
  if (algo === 'hdr(host)') {
    add(
      [HOST, '-i'],
      exact.filter((x) => !x.includes(':')),
    );
    add(
      ['req.hdr(host)', '-i'],
      exact.filter((x) => x.includes(':')),
    );
  } else {
    add([algo, '-i'], exact);
  }
  add(
    [HOST, '-m', 'end', '-i'],
    wild.filter((x) => !x.includes(':')),
  );
  add(
    ['req.hdr(host)', '-m', 'end', '-i'],
    wild.filter((x) => x.includes(':')),
  );
  return acls;
}

/** ACLs and the condition words of one destination, for its http route or its https route. */
function destinationCondition(
  spec: ServiceSpec,
  dest: Destination,
  algo: string,
  https: boolean,
): { acls: AclModel[]; cond: string[]; extra: boolean } {
  const acl = spec.aclName;
  const idx = dest.index;
  const port = https ? (dest.httpsPort as number) : (dest.port as number);
  const paths = dest.servicePath.length > 0 ? dest.servicePath : ['/'];
  const acls: AclModel[] = [];
  const cond: string[] = [];
  const url = `url_${https ? 'https_' : ''}${acl}${port}_${idx}`;
  acls.push({ name: url, criterion: [dest.pathType ?? 'path_beg', ...paths] });
  cond.push(url);
  if (dest.servicePathExclude.length > 0) {
    const name = `url_exclude_${https ? 'https_' : ''}${acl}${port}_${idx}`;
    acls.push({ name, criterion: ['path_beg', ...dest.servicePathExclude] });
    cond.push(`!${name}`);
  }
  if (dest.serviceDomain.length > 0) {
    const name = `domain_${https ? 'https_' : ''}${acl}${port}_${idx}`;
    acls.push(...domainAcls(name, dest.serviceDomain, algo));
    cond.push(name);
  }
  dest.serviceHeader.forEach((h, n) => {
    const name = `hdr_${acl}${port}_${idx}_${n}`;
    acls.push({ name, criterion: [`req.hdr(${h.name})`, h.value] });
    cond.push(name);
  });
  const srcPort = https
    ? (dest.srcHttpsPort ?? 443)
    : (dest.srcPort ?? (dest.httpsPort !== undefined ? 80 : undefined));
  if (srcPort !== undefined) {
    const name = `${https ? 'srcHttpsPort' : 'srcPort'}_${acl}${srcPort}_${idx}`;
    acls.push({ name, criterion: ['dst_port', String(srcPort)] });
    cond.push(name);
  }
  if (dest.userAgent.length > 0) {
    const name = `user_agent_${acl}${port}_${idx}`;
    acls.push({ name, criterion: ['req.hdr(User-Agent)', '-m', 'sub', '-i', ...dest.userAgent] });
    cond.push(name);
  }
  const extra = cond.length > 1 || (dest.pathType !== undefined && dest.pathType !== 'path_beg');
  return { acls, cond, extra };
}

interface MapClaim {
  readonly file: string;
  readonly key: string;
  readonly backend: string;
}

/** Everything one service contributes to `frontend services`; built whole or not at all. */
export interface ServiceHttpRoutes {
  readonly serviceName: string;
  readonly acls: readonly AclModel[];
  readonly redirects: readonly Directive[];
  readonly ranked: readonly RankedRoute[];
  readonly claims: readonly MapClaim[];
  readonly defaultBackend?: string;
}

/**
 * The http routes of one service. Throws RenderError on unsafe values. Independent of the other
 * services: the assembly ranks them by the service's place in upstream order.
 */
export function serviceHttpRoutes(
  spec: ServiceSpec,
  s: ProxySettings,
  warn: (m: string) => void,
): ServiceHttpRoutes {
  const acls: AclModel[] = [];
  const redirects: Directive[] = [];
  const ranked: RankedRoute[] = [];
  const claims: MapClaim[] = [];
  let defaultBackend: string | undefined;
  const algo = spec.serviceDomainAlgo ?? s.serviceDomainAlgo;
  const wellKnown = isWellKnown(spec);
  for (const dest of spec.destinations) {
    if (dest.reqMode !== 'http') continue;
    const paths = dest.servicePath.length > 0 ? dest.servicePath : ['/'];
    const hasRoot = paths.includes('/');
    const tier = wellKnown ? TIER.wellKnown : hasRoot ? TIER.rootAcl : TIER.specificAcl;
    if (spec.isDefaultBackend && dest.port !== undefined && defaultBackend === undefined) {
      defaultBackend = backendName(spec.aclName, dest.port, dest.index);
    }
    redirects.push(...redirectRules(spec, dest, algo, warn));

    if (isMappable(spec, dest, algo)) {
      const port = dest.port as number;
      const be = backendName(spec.aclName, port, dest.index);
      if (dest.serviceDomain.length > 0) {
        for (const dom of dest.serviceDomain) {
          for (const p of paths) {
            if (p === '/') claims.push({ file: MAP_FILES.hosts, key: dom.toLowerCase(), backend: be });
            else claims.push({ file: MAP_FILES.hostPaths, key: `${dom.toLowerCase()}${p}`, backend: be });
          }
        }
      } else {
        for (const p of paths.filter((x) => x !== '/'))
          claims.push({ file: MAP_FILES.paths, key: p, backend: be });
        if (hasRoot) {
          // A bare `/` catches everything: it stays an ACL so it can rank after the domain maps.
          const url = `url_${spec.aclName}${port}_${dest.index}`;
          acls.push({ name: url, criterion: ['path_beg', '/'] });
          ranked.push({ tier: TIER.rootAcl, generic: 1, line: d('use_backend', be, 'if', url) });
        }
      }
      continue;
    }
    if (dest.port !== undefined) {
      const c = destinationCondition(spec, dest, algo, false);
      acls.push(...c.acls);
      const line = d('use_backend', backendName(spec.aclName, dest.port, dest.index), 'if', ...c.cond);
      ranked.push({ tier, generic: c.extra ? 0 : 1, line });
    }
    if (dest.httpsPort !== undefined) {
      const c = destinationCondition(spec, dest, algo, true);
      acls.push(...c.acls);
      const line = d(
        'use_backend',
        httpsBackendName(spec.aclName, dest.httpsPort, dest.index),
        'if',
        ...c.cond,
      );
      ranked.push({ tier, generic: 0, line });
    }
  }
  return {
    serviceName: spec.serviceName,
    acls,
    redirects,
    ranked,
    claims,
    ...(defaultBackend ? { defaultBackend } : {}),
  };
}

/** Joins the services' routes (given in upstream order) into the frontend's ACLs, lookups, rules and maps. */
export function assembleHttpRouting(
  services: readonly ServiceHttpRoutes[],
  s: ProxySettings,
  statsRouted: boolean,
  warn: (m: string) => void,
): HttpRouting {
  const maps = new Map<string, Map<string, { backend: string; owner: string }>>(
    [MAP_FILES.hostPaths, MAP_FILES.paths, MAP_FILES.hosts].map((f) => [f, new Map()]),
  );
  let defaultBackend: string | undefined;
  for (const svc of services) {
    for (const c of svc.claims) {
      const map = maps.get(c.file) as Map<string, { backend: string; owner: string }>;
      const prior = map.get(c.key);
      if (!prior) map.set(c.key, { backend: c.backend, owner: svc.serviceName });
      else if (prior.owner !== svc.serviceName) {
        warn(
          `service ${svc.serviceName}: route ${c.key} is already taken by service ${prior.owner} (first in aclName order) and is ignored`,
        );
      }
    }
    if (svc.defaultBackend) {
      if (defaultBackend === undefined) defaultBackend = svc.defaultBackend;
      else
        warn(
          `service ${svc.serviceName}: isDefaultBackend ignored, ${defaultBackend} is already the default backend`,
        );
    }
  }
  const entries = (file: string): MapEntry[] =>
    [...(maps.get(file) ?? new Map<string, { backend: string }>()).entries()].map(([key, v]) => ({
      key,
      backend: v.backend,
    }));
  const lookups: Directive[] = [];
  const mapRoutes: (RankedRoute & { position: number })[] = [];
  const lookup = (file: string, variable: string, expr: string, tier: Tier): void => {
    if ((maps.get(file)?.size ?? 0) === 0) return;
    lookups.push(d('http-request', `set-var(${variable})`, expr.replace('$MAP', `${s.configDir}/${file}`)));
    mapRoutes.push({
      tier,
      generic: 0,
      position: 0,
      line: d('use_backend', `%[var(${variable})]`, 'if', '{', `var(${variable})`, '-m', 'found', '}'),
    });
  };
  if ((maps.get(MAP_FILES.hostPaths)?.size ?? 0) > 0) {
    lookups.push(d('http-request', `set-var-fmt(${MAP_VARS.hostPath})`, quoted(`%[${HOST},lower]%[path]`)));
  }
  lookup(
    MAP_FILES.hostPaths,
    MAP_VARS.hostPaths,
    `var(${MAP_VARS.hostPath}),map_beg($MAP)`,
    TIER.hostPathMap,
  );
  lookup(MAP_FILES.paths, MAP_VARS.paths, 'path,map_beg($MAP)', TIER.pathMap);
  lookup(MAP_FILES.hosts, MAP_VARS.hosts, `${HOST},lower,map_str($MAP)`, TIER.hostMap);

  // A service's position in `services` (upstream order) breaks ties within a tier.
  const ranked = services.flatMap((x, position) => x.ranked.map((r) => ({ ...r, position })));
  const all = [...ranked, ...mapRoutes].sort(
    (a, b) =>
      a.tier - b.tier || (a.tier === TIER.rootAcl ? a.generic - b.generic : 0) || a.position - b.position,
  );
  const routes = all.map((r) => r.line);
  if (statsRouted) routes.unshift(d('use_backend', 'stats', 'if', '{', 'url_beg', s.statsUri, '}'));
  const outMaps: Record<string, MapEntry[]> = {};
  for (const file of maps.keys()) {
    const e = entries(file);
    if (e.length > 0) outMaps[file] = e;
  }
  return {
    acls: services.flatMap((x) => x.acls),
    redirects: services.flatMap((x) => x.redirects),
    lookups,
    routes,
    maps: outMaps,
    ...(defaultBackend ? { defaultBackend } : {}),
  };
}

/** Frontend redirects of one destination: redirectFromDomain and the X-Forwarded-Proto ones. */
function redirectRules(
  spec: ServiceSpec,
  dest: Destination,
  algo: string,
  warn: (m: string) => void,
): Directive[] {
  const out: Directive[] = [];
  const target = dest.serviceDomain[0];
  if (dest.redirectFromDomain.length > 0 && (target === undefined || target.startsWith('*'))) {
    warn(
      `service ${spec.serviceName}: redirectFromDomain ignored, it needs a serviceDomain without * to redirect to`,
    );
  } else if (dest.redirectFromDomain.length > 0 && target !== undefined) {
    out.push(
      d(
        'http-request',
        'redirect',
        'code',
        '301',
        'prefix',
        quoted(`%[ssl_fc,iif(https,http)]://${target}`),
        'if',
        '{',
        HOST,
        '-i',
        ...dest.redirectFromDomain,
        '}',
      ),
    );
  }
  if ((spec.redirectWhenHttpProto || spec.redirectUnlessHttpsProto) && dest.port !== undefined) {
    const code = dest.httpsRedirectCode !== undefined ? ['code', String(dest.httpsRedirectCode)] : [];
    const { cond } = destinationCondition(spec, dest, algo, false);
    const proto = spec.redirectWhenHttpProto
      ? ['{', 'req.hdr(X-Forwarded-Proto)', '-i', 'http', '}']
      : ['!{', 'req.hdr(X-Forwarded-Proto)', '-i', 'https', '}'];
    out.push(d('http-request', 'redirect', 'scheme', 'https', ...code, 'if', ...proto, ...cond));
  }
  return out;
}
