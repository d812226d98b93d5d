import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { parseServiceSpec } from '@flowproxy/protocol';
import {
  buildModel,
  incrementalRenderer,
  modelLineCount,
  render,
  renderConfig,
} from '../../../src/config/render.js';
import type { RenderService } from '../../../src/config/settings.js';
import { SETTINGS, svc } from './fixtures.js';
import { specArb } from './arbitraries.js';

/** Keywords the model produces: any line starting otherwise would be injected. */
const KEYWORDS = new Set([
  '#',
  'global',
  'defaults',
  'resolvers',
  'userlist',
  'frontend',
  'backend',
  'user',
  'bind',
  'mode',
  'option',
  'no',
  'acl',
  'http-request',
  'http-response',
  'tcp-request',
  'use_backend',
  'default_backend',
  'server',
  'server-template',
  'balance',
  'cookie',
  'dynamic-cookie-key',
  'timeout',
  'compression',
  'capture',
  'stats',
  'hard-stop-after',
  'server-state-file',
  'ssl-default-bind-options',
  'ssl-default-server-options',
  'ssl-default-bind-ciphers',
  'ssl-default-server-ciphers',
  'retries',
  'retry-on',
  'load-server-state-from-file',
  'default-server',
  'nameserver',
  'accepted_payload_size',
  'resolve_retries',
  'hold',
  'log',
  'parse-resolv-conf',
]);

describe('rendering accepted specs (property)', () => {
  it('never lets a value add a line or start a directive', () => {
    let accepted = 0;
    fc.assert(
      fc.property(specArb, (params) => {
        const parsed = parseServiceSpec(params, { allowRawConfig: false });
        if (!parsed.ok) return;
        accepted++;
        const rs: RenderService = {
          spec: parsed.spec,
          users: parsed.spec.users.filter((u) => u.password),
          usersPassEncrypted: false,
        };
        const model = buildModel({
          settings: SETTINGS,
          services: [rs, svc({ serviceName: 'other', servicePath: '/other', port: 80 })],
        });
        const out = render(model);
        const lines = out.haproxyCfg.split('\n');
        expect(lines.length).toBe(modelLineCount(model));
        for (const line of lines) {
          if (line.trim() === '') continue;
          expect(KEYWORDS.has(line.trim().split(' ')[0] ?? '')).toBe(true);
        }
        for (const content of Object.values(out.files)) {
          for (const l of content.split('\n').filter(Boolean))
            expect(l.split(' ').length).toBe(l.endsWith('.pem') ? 1 : 2);
        }
        // The well-behaved neighbour always survives.
        expect(out.files['paths.map']).toContain('/other other-be80_0\n');
      }),
      { numRuns: 400, seed: 20261126 },
    );
    expect(accepted).toBeGreaterThan(150);
  });
});

describe('determinism', () => {
  const services = [
    svc({ serviceName: 'a', servicePath: '/a', port: 80 }),
    svc({ serviceName: 'b', serviceDomain: 'b.com', port: 80, users: 'u:p' }),
    svc({ serviceName: 'c', servicePath: '/', port: 80 }),
    svc({ serviceName: 'd', servicePath: '/.well-known/x', port: 80 }),
    svc({ serviceName: 'e', servicePath: '/e', userAgent: 'x', port: 80 }),
    svc({ serviceName: 'f', port: 6379, srcPort: 6379, reqMode: 'tcp' }),
    svc({ serviceName: 'g', serviceDomain: 'g.com', servicePath: '/g', port: 80 }),
    svc({ serviceName: 'h', servicePath: '/a', port: 81 }),
    svc({ serviceName: 'i', aclName: 'a', servicePath: '/i', port: 80 }),
  ];

  it('renders the same bytes for any order of the services', () => {
    const expected = renderConfig({ settings: SETTINGS, services });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(services, { minLength: services.length, maxLength: services.length }),
        (shuffled) => {
          expect(renderConfig({ settings: SETTINGS, services: shuffled })).toEqual(expected);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('renders the same bytes twice', () => {
    expect(renderConfig({ settings: SETTINGS, services })).toEqual(
      renderConfig({ settings: SETTINGS, services }),
    );
  });
});

describe('incremental rendering', () => {
  const pool = [
    svc({ serviceName: 'a', servicePath: '/a', port: 80 }),
    svc({ serviceName: 'a', servicePath: '/a,/a2', port: 80 }),
    svc({ serviceName: 'b', serviceDomain: 'b.com', port: 80, users: 'u:p' }),
    svc({ serviceName: 'b', serviceDomain: 'b.com', port: 80, users: 'u:q' }),
    svc({ serviceName: 'c', servicePath: '/', port: 80 }),
    svc({ serviceName: 'd', servicePath: '/.well-known/x', port: 80 }),
    svc({ serviceName: 'e', servicePath: '/e', userAgent: 'x', port: 80 }),
    svc({ serviceName: 'f', port: 6379, srcPort: 6379, reqMode: 'tcp' }),
    svc({ serviceName: 'g', serviceDomain: 'g.com', servicePath: '/g', port: 80 }),
    svc({ serviceName: 'h', servicePath: '/a', port: 81 }),
    svc({ serviceName: 'i', aclName: 'a', servicePath: '/i', port: 80 }),
    svc({ serviceName: 'j', servicePath: '/j', port: 80, backendExtra: 'http-request deny' }),
    svc({ serviceName: 'k', servicePath: '/k', port: 80, isDefaultBackend: true }),
    svc({ serviceName: 'l', servicePath: '/l', port: 80, isDefaultBackend: true }),
  ];
  // The same spec with other resolved users (its secret rotated): a new userlist, not the cached one.
  const b = pool[2] as (typeof pool)[number];
  pool.push({ ...b, users: [{ user: 'u', password: 'rotated' }] });
  const settingsArb = fc.record({
    configDir: fc.constantFrom('/cfg', '/tmp/check-1'),
    httpsOnly: fc.boolean(),
    users: fc.constantFrom([], [{ user: 'g', password: 'pw' }]),
  });

  it('renders the same bytes as a fresh render, state after state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.subarray(pool), settingsArb), { minLength: 1, maxLength: 8 }),
        (states) => {
          // One renderer for the whole sequence: its cache must never leak an earlier state.
          const incremental = incrementalRenderer();
          for (const [services, over] of states) {
            const input = { settings: { ...SETTINGS, ...over }, services };
            expect(incremental(input)).toEqual(renderConfig(input));
          }
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});
