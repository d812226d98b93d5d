import { describe, expect, it } from '@jest/globals';
import { nextOp, seeded, type ChurnService } from '../src/soak/churn.js';
import { compare, toSwarmRoutes, type SwarmRoute } from '../src/soak/expected.js';
import { outagesOf } from '../src/soak/load.js';
import { covers } from '../src/soak/probe.js';
import { growth, slopePerHour } from '../src/soak/report.js';

// The soak's pure parts: what counts as a lost notification, a leak or an outage.
const route = (over: Partial<SwarmRoute> = {}): SwarmRoute => ({
  name: 'fpsoak-c1',
  replicas: 2,
  paths: ['/demo/hello', '/demo/person'],
  domains: ['fpsoak-c1-d0.soak.test'],
  port: 8081,
  servedBy: 'fpsoak-c1@0',
  converged: true,
  ...over,
});
const proxyOf = (r: SwarmRoute) => ({
  replicas: r.replicas,
  destinations: [{ servicePath: [...r.paths].reverse(), serviceDomain: r.domains, port: r.port }],
});

describe('soak: proxy state against Swarm', () => {
  it('reads labels, replicas and SERVED_BY from docker service inspect', () => {
    const [r] = toSwarmRoutes(
      [
        {
          Spec: {
            Name: 'fpsoak-c1',
            Labels: {
              'com.df.servicePath': '/demo/person,/demo/hello',
              'com.df.serviceDomain': 'a.test',
              'com.df.port': '8081',
            },
            Mode: { Replicated: { Replicas: 2 } },
            TaskTemplate: { ContainerSpec: { Env: ['PORT=8081', 'SERVED_BY=fpsoak-c1@3'] } },
          },
          UpdateStatus: { State: 'completed' },
        },
      ],
      new Map([['fpsoak-c1', 2]]),
    );
    expect(r).toEqual(route({ domains: ['a.test'], servedBy: 'fpsoak-c1@3' }));
    const [updating] = toSwarmRoutes(
      [{ Spec: { Name: 'x', Mode: { Replicated: { Replicas: 1 } } }, UpdateStatus: { State: 'updating' } }],
      new Map([['x', 1]]),
    );
    expect(updating?.converged).toBe(false);
  });

  it('finds nothing when they agree (path order aside)', () => {
    expect(compare([route()], { 'fpsoak-c1': proxyOf(route()) })).toEqual([]);
  });

  it('names every difference of a converged service, and stale routes', () => {
    const p = proxyOf(route({ port: 8080, domains: ['old.test'], replicas: 1, paths: ['/demo'] }));
    expect(compare([route()], { 'fpsoak-c1': p, 'fpsoak-c9': p })).toEqual([
      'fpsoak-c1: paths /demo != /demo/hello,/demo/person',
      'fpsoak-c1: domains old.test != fpsoak-c1-d0.soak.test',
      'fpsoak-c1: port 8080 != 8081',
      'fpsoak-c1: replicas 1 != 2',
      'fpsoak-c9: removed from Swarm, still in the proxy',
    ]);
    expect(compare([route()], {})).toEqual(['fpsoak-c1: missing in the proxy']);
  });

  it('does not blame the proxy for a service Swarm has not converged', () => {
    expect(compare([route({ converged: false })], {})).toEqual([]);
  });
});

describe('soak: churn, routes, growth and outages', () => {
  it('keeps the live set within bounds', () => {
    const rand = seeded(42);
    const live = new Map<string, ChurnService>();
    for (let i = 0; i < 2000; i++) {
      const op = nextOp([...live.values()], 12, i, rand);
      if (op.after) live.set(op.after.name, op.after);
      else if (op.before) live.delete(op.before.name);
      expect(live.size).toBeLessThanOrEqual(12);
      for (const s of live.values()) expect(s.replicas === 1 || s.replicas === 2).toBe(true);
    }
  });

  it('matches paths by prefix, as HAProxy map_beg does', () => {
    expect(covers(['/demo'], '/demo/person')).toBe(true);
    expect(covers(['/demo/hello'], '/demo/person')).toBe(false);
  });

  it('sees steady growth as a positive slope, a flat series as none', () => {
    expect(
      slopePerHour([
        [0, 10],
        [1800, 20],
        [3600, 30],
      ]),
    ).toBeCloseTo(20);
    expect(
      growth([
        [0, 50],
        [60, 52],
        [120, 50],
        [180, 50],
      ])?.slopePerHourLate,
    ).toBeLessThanOrEqual(0);
  });

  it('groups failures less than 2 s apart into one outage', () => {
    expect(outagesOf([0, 500, 1000, 10_000]).map((o) => [o.failed, o.seconds])).toEqual([
      [3, 1],
      [1, 0],
    ]);
  });
});
