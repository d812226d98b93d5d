import { describe, expect, it } from '@jest/globals';
import { EnvError } from '@flowproxy/runtime';
import { loadProxyConfig, parseBinds, parseUsers, toSettings } from '../../src/env.js';

// A secrets directory that does not exist: only env vars and defaults apply.
const base = { SECRETS_DIR: '/nonexistent/flowproxy-secrets' };

describe('proxy env', () => {
  it('has upstream defaults', () => {
    const cfg = loadProxyConfig(base);
    expect(cfg.defaultPorts).toEqual([
      { port: 80, ssl: false, options: [] },
      { port: 443, ssl: true, options: [] },
    ]);
    expect(cfg).toMatchObject({
      connectionMode: 'http-keep-alive',
      statsUri: '/admin?stats',
      serviceName: 'proxy',
      proxyInstanceName: 'docker-flow',
      separator: ',',
      serviceDomainAlgo: 'hdr(host)', // deliberately not upstream's hdr_beg(host): exact hosts fit a map
      apiPort: 8080,
      configDir: '/cfg',
      initAddr: 'last,none',
      allowRawConfig: false,
      timeoutClient: 20,
      timeoutTunnel: 3600,
      reloadInterval: 5000,
    });
    expect(cfg.resolvers).toEqual(['nameserver dns 127.0.0.11:53']);
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      loadProxyConfig({
        ...base,
        TIMEOUT_CLIENT: 'soon',
        DEFAULT_PORTS: '80,99999',
        CONNECTION_MODE: 'tunnel',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/TIMEOUT_CLIENT/);
    expect(msg).toMatch(/DEFAULT_PORTS/);
    expect(msg).toMatch(/CONNECTION_MODE.*http-keep-alive/);
    expect((err as EnvError).code).toBe('ENV_INVALID');
  });

  it('never echoes a sensitive value in the error', () => {
    expect(() => loadProxyConfig({ ...base, USERS: 'alice' })).toThrow(/USERS \(env USERS\) = \*\*\*/);
  });

  it('parses bind specs with options and :ssl', () => {
    expect(parseBinds('80 accept-proxy,443 accept-proxy:ssl')).toEqual([
      { port: 80, ssl: false, options: ['accept-proxy'] },
      { port: 443, ssl: true, options: ['accept-proxy'] },
    ]);
    expect(() => parseBinds('80 "x"')).toThrow(/bind option/);
  });

  it('parses USERS and refuses entries without a password', () => {
    expect(parseUsers('a:1,b:2')).toEqual([
      { user: 'a', password: '1' },
      { user: 'b', password: '2' },
    ]);
    expect(() => parseUsers('a')).toThrow(/user:password/);
  });

  it('reads stats settings through STATS_*_ENV indirection', () => {
    const cfg = loadProxyConfig({
      ...base,
      STATS_USER_ENV: 'MY_U',
      STATS_PASS_ENV: 'MY_P',
      MY_U: 'u',
      MY_P: 'p',
      STATS_USER: 'ignored',
    });
    expect([cfg.statsUser, cfg.statsPass]).toEqual(['u', 'p']);
  });

  it('enables stats in the settings only when both user and password are set', () => {
    expect(toSettings(loadProxyConfig({ ...base, STATS_USER: 'u' }), []).statsUser).toBeUndefined();
    const s = toSettings(
      loadProxyConfig({ ...base, STATS_USER: 'u', STATS_PASS: 'p', RESOLVERS: 'parse-resolv-conf' }),
      ['/c.pem'],
    );
    expect([s.statsUser, s.statsPass]).toEqual(['u', 'p']);
    expect(s.resolvers).toEqual([]);
    expect(s.certs).toEqual(['/c.pem']);
  });
});
