import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { labelsToQuery, PARAMS, type ParamDef } from '@flowproxy/protocol';
import { freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend, type HttpResult } from './support.js';

// Issue 11 "Must hold": arbitrary names and values through the real API and through the
// listener's label mapping, against a real proxy and HAProxy. A bounded number of runs.
jest.setTimeout(600000);

const RUNS = 120;

let dns: Dns;
let proxy: StartedProxy;
let backend: Backend;
let port = 0;

/**
 * Names that could legitimately take the anchor route or a port away (a path ACL ahead of the
 * maps, a bind on the proxy's own ports) are left out: the property is about hostile input never
 * hurting a neighbour, not about what a valid route may claim.
 */
const EXCLUDED = new Set([
  'pathType',
  'reqMode',
  'srcPort',
  'srcHttpsPort',
  'serviceName',
  'redirectFromDomain',
]);
const KNOWN = (PARAMS as readonly ParamDef[]).map((d) => d.name).filter((n) => !EXCLUDED.has(n));
const PROTO = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
];
const NASTY = [
  '%[env(STATS_PASS)]',
  'X-A %[env(USERS)]',
  'X-A 50%',
  'X-A "quoted value"',
  "X-A 'x",
  '/a\n  bind :1',
  '/a\r\nX: y',
  'true',
  'false',
  '0',
  '65536',
  '',
  ' ',
  '$6$salt$hash',
  'a:b',
  '-----BEGIN CERTIFICATE-----\\nx\\n-----END CERTIFICATE-----',
  '#comment',
  '\\',
  '\u0000',
  '%%',
  '{"a":1}',
];

const name = fc.oneof(
  fc.constantFrom(...KNOWN),
  fc.tuple(fc.constantFrom(...KNOWN), fc.integer({ min: 0, max: 12 })).map(([n, i]) => `${n}.${i}`),
  fc.constantFrom(...PROTO),
  fc.string({ minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);
const value = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: -5, max: 70000 }).map(String),
);
/** Paths stay under /p so no accepted request can claim /anchor by prefix. */
const confine = (n: string, v: string): string =>
  /^servicePath(Exclude)?(\.|$)/.test(n)
    ? v
        .split(',')
        .map((s) => `/p${s.replace(/:/g, '')}`)
        .join(',')
    : v;

const request = fc.record({
  serviceName: fc
    .oneof(fc.constantFrom('prop', 'prop-2'), fc.string({ maxLength: 20 }))
    .filter((s) => s !== 'anchor'),
  params: fc.array(fc.tuple(name, value), { maxLength: 12 }),
  via: fc.constantFrom('query', 'json', 'form', 'labels', 'malformed-json'),
});
type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(r: Request): Promise<HttpResult> {
  // A valid base (so a good share is accepted and really reaches HAProxy), then the arbitrary part.
  const pairs: [string, string][] = [
    ['servicePath', '/prop'],
    ['port', String(port)],
    ...r.params
      .filter(([n]) => n !== 'serviceName' && n !== 'servicePath' && n !== 'port')
      .map(([n, v]): [string, string] => [n, confine(n, v)]),
  ];
  if (r.via === 'labels') {
    // The listener's mapping: com.df.<name> labels -> query parameters, serviceName and replicas added.
    const labels: Record<string, string> = Object.create(null) as Record<string, string>;
    labels['com.df.notify'] = 'true';
    for (const [n, v] of pairs) labels[`com.df.${n}`] = v;
    const q = labelsToQuery(labels, { serviceName: r.serviceName, replicas: 1 });
    return api(proxy.apiUrl, `reconfigure?${q.toString()}`);
  }
  if (r.via === 'query') {
    const q = new URLSearchParams([['serviceName', r.serviceName], ...pairs]);
    return api(proxy.apiUrl, `reconfigure?${q.toString()}`);
  }
  if (r.via === 'form') {
    const body = new URLSearchParams([['serviceName', r.serviceName], ...pairs]).toString();
    return api(proxy.apiUrl, 'reconfigure', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  obj.serviceName = r.serviceName;
  for (const [n, v] of pairs) obj[n] = v;
  const body = JSON.stringify(obj);
  return api(proxy.apiUrl, 'reconfigure', {
    method: 'POST',
    body: r.via === 'malformed-json' ? body.slice(0, -1) : body,
    headers: { 'content-type': 'application/json' },
  });
}

const stateOf = (r: HttpResult): unknown => r.headers['x-flowproxy-state'];

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  dns = await startDns({ 'tasks.anchor': ['127.0.0.2'], 'tasks.prop': ['127.0.0.2'] });
  backend = await startBackend('anchor', '127.0.0.2', port);
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}` } });
  const r = await api(
    proxy.apiUrl,
    `reconfigure?serviceName=anchor&servicePath=/anchor&port=${port}&replicas=1`,
  );
  expect(r.status).toBe(200);
}, 60000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await backend?.close();
});

describe('arbitrary parameters through the API and the listener`s label mapping (issue 11)', () => {
  it('never a 5xx, no state change on rejection, the state header always, the other route served', async () => {
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const before = stateOf(await api(proxy.apiUrl, 'ping'));
        const res = await send(req);
        expect(res.status).toBeLessThan(500);
        expect(stateOf(res)).toEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
        if (res.status === 200) seen.ok += 1;
        else {
          seen.rejected += 1;
          expect(stateOf(res)).toBe(before);
        }
        const anchor = await http(`${proxy.httpUrl}/anchor`);
        expect(anchor.status).toBe(200);
        expect(anchor.body).toBe('anchor GET /anchor');
      }),
      { numRuns: RUNS },
    );
    // Both sides of the property were exercised.
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.ok + seen.rejected).toBeGreaterThanOrEqual(RUNS);
    process.stdout.write(`contract properties: ${seen.ok} accepted, ${seen.rejected} rejected\n`);
  });
});
