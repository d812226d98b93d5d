import { describe, it, expect } from '@jest/globals';
import { renderConfig } from '../../../src/config/render.js';
import { isMappable } from '../../../src/config/http-routes.js';
import { SETTINGS, sectionLines, svc } from './fixtures.js';

const routesOf = (cfg: string): string[] =>
  sectionLines(cfg, 'frontend services').filter(
    (l) => l.startsWith('use_backend') || l.startsWith('default_backend'),
  );

describe('http route order', () => {
  const out = renderConfig({
    settings: SETTINGS,
    services: [
      svc({ serviceName: 'root', servicePath: '/', port: 80 }),
      svc({ serviceName: 'zz-acme', servicePath: '/.well-known/acme-challenge', port: 80 }),
      svc({ serviceName: 'demo', servicePath: '/demo', port: 8080 }),
      svc({ serviceName: 'demo-hello', servicePath: '/demo/hello', port: 8080 }),
      svc({ serviceName: 'ua', servicePath: '/demo', userAgent: 'bot', port: 8080 }),
      svc({ serviceName: 'site', serviceDomain: 'example.com', port: 80 }),
      svc({ serviceName: 'site-api', serviceDomain: 'example.com', servicePath: '/api', port: 80 }),
      svc({ serviceName: 'wild', serviceDomain: '*.example.org', port: 80 }),
      svc({ serviceName: 'fallback', servicePath: '/fb', isDefaultBackend: true, port: 80 }),
    ],
  });
  const routes = routesOf(out.haproxyCfg);

  it('puts /.well-known first and bare / last, with the maps between ACL tiers', () => {
    expect(routes).toEqual([
      'use_backend zz-acme-be80_0 if url_zz-acme80_0',
      'use_backend ua-be8080_0 if url_ua8080_0 user_agent_ua8080_0',
      'use_backend %[var(txn.fp_be_hostpath)] if { var(txn.fp_be_hostpath) -m found }',
      'use_backend %[var(txn.fp_be_path)] if { var(txn.fp_be_path) -m found }',
      'use_backend %[var(txn.fp_be_host)] if { var(txn.fp_be_host) -m found }',
      'use_backend wild-be80_0 if url_wild80_0 domain_wild80_0',
      'use_backend root-be80_0 if url_root80_0',
      'default_backend fallback-be80_0',
    ]);
  });

  it('keys the maps so the longest prefix wins, hosts lower-cased', () => {
    expect(out.files['paths.map']).toBe(
      '/demo demo-be8080_0\n/demo/hello demo-hello-be8080_0\n/fb fallback-be80_0\n',
    );
    expect(out.files['hostpaths.map']).toBe('example.com/api site-api-be80_0\n');
    expect(out.files['hosts.map']).toBe('example.com site-be80_0\n');
  });

  it('matches wildcard domains on the end of the host without its port', () => {
    expect(sectionLines(out.haproxyCfg, 'frontend services')).toContain(
      'acl domain_wild80_0 req.hdr(host),field(1,:) -m end -i .example.org',
    );
  });

  it('looks the maps up once per request, hosts without port and lower-cased', () => {
    const fe = sectionLines(out.haproxyCfg, 'frontend services');
    expect(fe).toContain(
      "http-request set-var-fmt(txn.fp_hostpath) '%[req.hdr(host),field(1,:),lower]%[path]'",
    );
    expect(fe).toContain('http-request set-var(txn.fp_be_path) path,map_beg(/cfg/paths.map)');
    expect(fe).toContain(
      'http-request set-var(txn.fp_be_host) req.hdr(host),field(1,:),lower,map_str(/cfg/hosts.map)',
    );
  });

  it('ranks root ACL routes with conditions before bare catch-alls, whatever their aclName', () => {
    const r = routesOf(
      renderConfig({
        settings: SETTINGS,
        services: [
          svc({ serviceName: 'a-root', servicePath: '/', port: 80 }),
          svc({ serviceName: 'b-mobile', servicePath: '/', userAgent: 'iphone', port: 80 }),
        ],
      }).haproxyCfg,
    );
    expect(r).toEqual([
      'use_backend b-mobile-be80_0 if url_b-mobile80_0 user_agent_b-mobile80_0',
      'use_backend a-root-be80_0 if url_a-root80_0',
    ]);
  });

  it('orders ACL routes of the same tier by aclName', () => {
    const r = routesOf(
      renderConfig({
        settings: SETTINGS,
        services: [
          svc({ serviceName: 'b', servicePath: '/x', pathType: 'path', port: 80 }),
          svc({ serviceName: 'a', aclName: 'z-last', servicePath: '/y', pathType: 'path', port: 80 }),
          svc({ serviceName: 'c', aclName: '01-first', servicePath: '/z', pathType: 'path', port: 80 }),
        ],
      }).haproxyCfg,
    );
    expect(r).toEqual([
      'use_backend 01-first-be80_0 if url_01-first80_0',
      'use_backend b-be80_0 if url_b80_0',
      'use_backend z-last-be80_0 if url_z-last80_0',
    ]);
  });

  it('gives a map key to the first service in aclName order and reports the other', () => {
    const o = renderConfig({
      settings: SETTINGS,
      services: [
        svc({ serviceName: 'b', servicePath: '/same', port: 80 }),
        svc({ serviceName: 'a', servicePath: '/same', port: 80 }),
      ],
    });
    expect(o.files['paths.map']).toBe('/same a-be80_0\n');
    expect(o.warnings).toContain(
      'service b: route /same is already taken by service a (first in aclName order) and is ignored',
    );
  });

  it('routes stats first when STATS_USER and STATS_PASS are set', () => {
    const o = renderConfig({
      settings: { ...SETTINGS, statsUser: 'u', statsPass: 'p' },
      services: [svc({ serviceName: 'd', servicePath: '/', port: 80 })],
    });
    expect(routesOf(o.haproxyCfg)[0]).toBe('use_backend stats if { url_beg /admin?stats }');
    expect(sectionLines(o.haproxyCfg, 'backend stats')).toContain("stats auth 'u:p'");
    const off = renderConfig({ settings: { ...SETTINGS, statsUser: 'u' }, services: [] });
    expect(off.haproxyCfg).not.toContain('backend stats');
  });

  it('keeps the http frontend bound with no service, so unknown routes get 503', () => {
    const fe = sectionLines(
      renderConfig({ settings: SETTINGS, services: [] }).haproxyCfg,
      'frontend services',
    );
    expect(fe).toEqual(['bind *:80', 'mode http', 'option forwardfor']);
  });
});

describe('which destinations use maps', () => {
  const dest = (params: Record<string, string | number | boolean>): boolean => {
    const { spec } = svc({ serviceName: 's', port: 80, ...params });
    return isMappable(spec, spec.destinations[0]!, spec.serviceDomainAlgo ?? 'hdr(host)');
  };
  it.each([
    [{ servicePath: '/a' }, true],
    [{ servicePath: '/a', pathType: 'path_beg' }, true],
    [{ serviceDomain: 'a.com' }, true],
    [{ serviceDomain: 'a.com', servicePath: '/x' }, true],
    [{ servicePath: '/a', pathType: 'path_reg' }, false],
    [{ servicePath: '/a', servicePathExclude: '/a/b' }, false],
    [{ servicePath: '/a', serviceHeader: 'X:1' }, false],
    [{ servicePath: '/a', userAgent: 'x' }, false],
    [{ servicePath: '/a', srcPort: 8080 }, false],
    [{ servicePath: '/a', httpsPort: 8443 }, false],
    [{ serviceDomain: '*.a.com' }, false],
    [{ serviceDomain: 'a.com:8080' }, false],
    [{ serviceDomain: 'a.com', serviceDomainAlgo: 'hdr_dom(host)' }, false],
    [{ servicePath: '/.well-known/x' }, false],
    [{ servicePath: '/a', redirectWhenHttpProto: true }, false],
  ])('%j -> %s', (params, expected) => {
    expect(dest(params)).toBe(expected);
  });
});

describe('auth precedence', () => {
  const settings = { ...SETTINGS, users: [{ user: 'g', password: 'gp' }] };
  const out = renderConfig({
    settings,
    services: [
      svc({ serviceName: 'own', servicePath: '/own', port: 80, users: 'a:b' }),
      svc({ serviceName: 'plain', servicePath: '/plain', port: 80 }),
      svc({ serviceName: 'skip', servicePath: '/skip', port: 80, ignoreAuthorization: true }),
    ],
  });
  const be = (name: string): string[] => sectionLines(out.haproxyCfg, `backend ${name}`);

  it("replaces the global USERS with the service's own users", () => {
    expect(be('own-be80_0')).toContain('http-request auth realm ownRealm if !ownUsersAcl');
    expect(be('own-be80_0').join('\n')).not.toContain('defaultUsers');
    expect(sectionLines(out.haproxyCfg, 'userlist ownUsers')).toEqual(["user a insecure-password 'b'"]);
  });

  it('protects other services with USERS in realm defaultRealm and strips the credentials', () => {
    const lines = be('plain-be80_0');
    expect(lines).toContain('http-request auth realm defaultRealm if !defaultUsersAcl');
    expect(lines.indexOf('http-request del-header Authorization')).toBeGreaterThan(
      lines.indexOf('http-request auth realm defaultRealm if !defaultUsersAcl'),
    );
  });

  it('skips auth for ignoreAuthorization', () => {
    expect(be('skip-be80_0').join('\n')).not.toContain('auth');
  });

  it('locks a service whose users have no password instead of opening it', () => {
    const o = renderConfig({
      settings: SETTINGS,
      services: [{ ...svc({ serviceName: 'l', servicePath: '/l', port: 80, usersSecret: 'x' }), users: [] }],
    });
    expect(o.haproxyCfg).toContain('userlist lUsers\n\n');
    expect(sectionLines(o.haproxyCfg, 'backend l-be80_0')).toContain(
      'http-request auth realm lRealm if !lUsersAcl',
    );
  });
});

describe('fault isolation', () => {
  it('leaves out a service with a value that cannot be rendered and keeps the others', () => {
    const good = svc({ serviceName: 'good', servicePath: '/good', port: 80 });
    const base = svc({ serviceName: 'bad', servicePath: '/bad', port: 80 });
    // Bypasses protocol validation on purpose: the renderer must still refuse to write it.
    const bad = {
      ...base,
      spec: {
        ...base.spec,
        destinations: [{ ...base.spec.destinations[0]!, servicePath: ['/bad\nbind :1'], pathType: 'path' }],
      },
    };
    const o = renderConfig({ settings: SETTINGS, services: [good, bad] });
    expect(o.haproxyCfg).not.toContain('bind :1');
    expect(o.haproxyCfg).not.toContain('bad-be80_0');
    expect(o.files['paths.map']).toBe('/good good-be80_0\n');
    expect(o.warnings?.some((w) => w.startsWith('service bad is not configured: unsafe word'))).toBe(true);
    // The same, typed, for the reload pipeline: who, which parameter, why, found by whom.
    expect(o.rejections).toEqual([
      {
        serviceName: 'bad',
        parameter: 'servicePath',
        reason: expect.stringMatching(/^unsafe word/),
        source: 'validation',
      },
    ]);
  });

  it('leaves out the second service with the same aclName', () => {
    const o = renderConfig({
      settings: SETTINGS,
      services: [
        svc({ serviceName: 'b', aclName: 'x', servicePath: '/b', port: 80 }),
        svc({ serviceName: 'a', aclName: 'x', servicePath: '/a', port: 80 }),
      ],
    });
    expect(o.files['paths.map']).toBe('/a x-be80_0\n');
    expect(o.warnings).toContain(
      'service b is not configured: backend x-be80_0 is already used by service a (set a distinct aclName)',
    );
    expect(o.rejections).toEqual([
      {
        serviceName: 'b',
        parameter: 'aclName',
        reason: 'backend x-be80_0 is already used by service a (set a distinct aclName)',
        source: 'validation',
      },
    ]);
  });
});

describe('backends', () => {
  it('sizes server-template by replicas, at least serverSlots, at most 128', () => {
    const o = renderConfig({
      settings: SETTINGS,
      services: [
        svc({ serviceName: 'few', servicePath: '/f', port: 80, replicas: 1 }),
        svc({ serviceName: 'many', servicePath: '/m', port: 80, replicas: 10 }),
        svc({ serviceName: 'huge', servicePath: '/h', port: 80, replicas: 1000 }),
        svc({ serviceName: 'global', servicePath: '/g', port: 80 }),
      ],
    });
    const server = (be: string): string | undefined =>
      sectionLines(o.haproxyCfg, `backend ${be}`).find((l) => l.startsWith('server'));
    expect(server('few-be80_0')).toMatch(/^server-template few 4 tasks\.few:80 resolvers docker/);
    expect(server('many-be80_0')).toMatch(/^server-template many 10 /);
    expect(server('huge-be80_0')).toMatch(/^server-template huge 128 /);
    expect(server('global-be80_0')).toMatch(/^server-template global 4 /);
  });

  it('rewrites paths with regsub, regex in double quotes with doubled backslashes', () => {
    const o = renderConfig({
      settings: SETTINGS,
      services: [
        svc({
          serviceName: 'r',
          servicePath: '/s',
          port: 80,
          reqPathSearchReplace: '/s/(a|b)\\.x,/\\1/:/something/.*,/demo/hello',
        }),
      ],
    });
    const lines = sectionLines(o.haproxyCfg, 'backend r-be80_0');
    expect(lines).toContain(`http-request set-path '%[path,regsub("/s/(a|b)\\\\.x","/\\\\1/",)]'`);
    expect(lines).toContain(`http-request set-path '%[path,regsub("/something/.*","/demo/hello",)]'`);
  });

  it('omits :ssl binds until there are certificates, then uses the crt-list', () => {
    const none = renderConfig({ settings: SETTINGS, services: [] });
    expect(sectionLines(none.haproxyCfg, 'frontend services')).not.toContain('bind *:443');
    expect(none.files['crt-list.txt']).toBeUndefined();
    const withCert = renderConfig({ settings: { ...SETTINGS, certs: ['/certs/a.pem'] }, services: [] });
    expect(sectionLines(withCert.haproxyCfg, 'frontend services')).toContain(
      'bind *:443 ssl crt-list /cfg/crt-list.txt alpn h2,http/1.1',
    );
    expect(withCert.files['crt-list.txt']).toBe('/certs/a.pem\n');
  });
});
