import { describe, expect, it } from '@jest/globals';
import type { ServiceSpec } from '@flowproxy/protocol';
import { parseShowStat, type ServerStat } from '../../../src/haproxy/server-stats.js';
import { isUp, problemViews, routeViews } from '../../../src/status/routes.js';
import { svc } from '../config/fixtures.js';

const spec = (params: Record<string, string | number | boolean>): ServiceSpec => svc(params).spec;
const services = (...specs: ServiceSpec[]): Map<string, ServiceSpec> =>
  new Map(specs.map((s) => [s.serviceName, s]));
const stat = (backend: string, server: string, addr: string, status: string, sessions = 0): ServerStat => ({
  backend,
  server,
  addr,
  status,
  sessions,
});

// Trimmed from `show stat` of HAProxy 2.6 on this machine (a DOWN server, an unresolved template slot).
const SHOW_STAT = `# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,addr,mode
services,FRONTEND,,,0,0,9974,0,0,0,0,0,0,,,,,OPEN,,,http
demo-be8080_0,demo,0,0,4,0,,0,0,0,,0,,0,0,0,0,UP,1,10.0.1.5:8080,http
demo-be8080_0,BACKEND,0,0,0,0,1,0,0,0,0,0,,0,0,0,0,UP,0,,http
web-be80_0,web1,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT (resolution),1,,http

`;

describe('status routes', () => {
  it('parses show stat server rows by column name, skipping FRONTEND/BACKEND', () => {
    expect(parseShowStat(SHOW_STAT)).toEqual([
      { backend: 'demo-be8080_0', server: 'demo', addr: '10.0.1.5:8080', status: 'UP', sessions: 4 },
      { backend: 'web-be80_0', server: 'web1', addr: '', status: 'MAINT (resolution)', sessions: 0 },
    ]);
    expect(parseShowStat('Unknown command\n')).toEqual([]);
  });

  it('puts the servers of each backend under its route, unresolved slots counted apart', () => {
    const rows = routeViews(
      services(
        spec({ serviceName: 'web', servicePath: '/web', port: 80, replicas: 3 }),
        spec({ serviceName: 'api', servicePath: '/api,/v2', serviceDomain: 'a.example.com', port: 9000 }),
      ),
      [
        stat('web-be80_0', 'web1', '10.0.0.2:80', 'UP', 2),
        stat('web-be80_0', 'web2', '10.0.0.3:80', 'DOWN'),
        stat('web-be80_0', 'web3', '', 'MAINT (resolution)'),
        stat('other-be1_0', 'x', '10.0.0.9:1', 'UP'),
      ],
      false,
    );
    expect(rows.map((r) => r.serviceName)).toEqual(['api', 'web']);
    const [api, web] = rows;
    expect(api).toMatchObject({
      paths: ['/api', '/v2'],
      domains: ['a.example.com'],
      port: 9000,
      servers: [],
    });
    expect(web?.servers).toEqual([
      { name: 'web1', addr: '10.0.0.2:80', status: 'UP', up: true, sessions: 2 },
      { name: 'web2', addr: '10.0.0.3:80', status: 'DOWN', up: false, sessions: 0 },
    ]);
    expect(web?.idleSlots).toBe(1);
    expect(web?.backends).toEqual(['web-be80_0']);
  });

  it('says whether auth protects a route, never who or with what password', () => {
    const own = spec({ serviceName: 'own', servicePath: '/own', port: 80, users: 'admin:s3cret-pw' });
    const open = spec({ serviceName: 'open', servicePath: '/open', port: 80 });
    const skip = spec({ serviceName: 'skip', servicePath: '/skip', port: 80, ignoreAuthorization: true });
    const [o1, s1, w1] = routeViews(services(own, open, skip), [], false);
    expect([o1?.serviceName, o1?.auth, s1?.auth]).toEqual(['open', false, true]);
    expect(w1?.auth).toBe(false);
    const withGlobal = routeViews(services(own, open, skip), [], true);
    expect(withGlobal.map((r) => [r.serviceName, r.auth])).toEqual([
      ['open', true],
      ['own', true],
      ['skip', false],
    ]);
    const text = JSON.stringify(withGlobal);
    expect(text).not.toContain('s3cret-pw');
    expect(text).not.toContain('admin');
  });

  it('lists one row per destination, with the ports of each', () => {
    const rows = routeViews(
      services(
        spec({
          serviceName: 'multi',
          'servicePath.1': '/a',
          'port.1': 81,
          'servicePath.2': '/b',
          'port.2': 82,
          'srcPort.2': 8082,
        }),
      ),
      [],
      false,
    );
    expect(rows.map((r) => [r.index, r.paths, r.port, r.srcPort])).toEqual([
      [1, ['/a'], 81, undefined],
      [2, ['/b'], 82, 8082],
    ]);
  });

  it('counts UP, partly-failing UP, OPEN and no-check servers as up', () => {
    expect(['UP', 'UP 1/3', 'no check', 'OPEN'].map(isUp)).toEqual([true, true, true, true]);
    expect(['DOWN', 'DOWN 1/2', 'MAINT', 'MAINT (resolution)', 'DRAIN', 'NOLB'].map(isUp)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('lists rejected services by parameter, then warned ones', () => {
    const rejected = new Map([
      [
        'b',
        {
          at: '2026-12-01T00:00:00.000Z',
          status: 400,
          code: 'PARAM_INVALID' as const,
          source: 'validation' as const,
          message: 'port: must be a number',
          errors: [{ param: 'port', code: 'PARAM_INVALID' as const, message: 'port: must be a number' }],
        },
      ],
      [
        'a',
        {
          at: '2026-12-01T00:00:01.000Z',
          status: 400,
          code: 'HAPROXY_REJECTED' as const,
          source: 'haproxy-check' as const,
          message: 'bad',
          errors: [],
        },
      ],
    ]);
    const warnings = new Map([['c', [{ param: 'colour', message: 'unknown parameter colour ignored' }]]]);
    expect(problemViews(rejected, warnings)).toEqual([
      {
        serviceName: 'a',
        kind: 'rejected',
        at: '2026-12-01T00:00:01.000Z',
        code: 'HAPROXY_REJECTED',
        param: '',
        message: 'bad',
      },
      {
        serviceName: 'b',
        kind: 'rejected',
        at: '2026-12-01T00:00:00.000Z',
        code: 'PARAM_INVALID',
        param: 'port',
        message: 'port: must be a number',
      },
      {
        serviceName: 'c',
        kind: 'warning',
        code: 'WARNING',
        param: 'colour',
        message: 'unknown parameter colour ignored',
      },
    ]);
  });
});
