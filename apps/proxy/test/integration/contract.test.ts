import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HEADER_FETCHES, parseServiceSpec, type ServiceSpec } from '@flowproxy/protocol';
import { eventually, freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, metricValue, startBackend, type Backend } from './support.js';

// The contract against the real proxy and HAProxy: limits, fetches, value forms, unknown names
// (issues 10, 11, 14). Real processes on a shared machine: generous budgets.
jest.setTimeout(60000);

let dns: Dns;
let proxy: StartedProxy;
const backends: Backend[] = [];
let port = 0;

const SERVICES: Record<string, string>[] = [
  { serviceName: 'go-demo', servicePath: '/demo/hello,/demo/person' },
  { serviceName: 'site', serviceDomain: 'Example.com', servicePath: '/api' },
  { serviceName: 'hosty', serviceDomain: 'www.example.com,other.example.org' },
];

/** The map keys the protocol's spec implies (http-routes: path, `<host><path>`, `<host>`). */
function keysOf(spec: ServiceSpec): string[] {
  return spec.destinations.flatMap((d) => {
    if (d.serviceDomain.length === 0) return [...d.servicePath];
    const paths = d.servicePath.length > 0 ? d.servicePath : ['/'];
    return d.serviceDomain.flatMap((dom) =>
      paths.map((p) => (p === '/' ? dom.toLowerCase() : `${dom.toLowerCase()}${p}`)),
    );
  });
}

function mapLines(): string[] {
  const dir = proxy.dirs.config;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.map'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim().length > 0);
}

const state = async (): Promise<string | undefined> => {
  const r = await api(proxy.apiUrl, 'ping');
  const h = r.headers['x-flowproxy-state'];
  return typeof h === 'string' ? h : undefined;
};

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  dns = await startDns({
    'tasks.go-demo': ['127.0.0.2'],
    'tasks.site': ['127.0.0.3'],
    'tasks.hosty': ['127.0.0.3'],
    'tasks.hsts': ['127.0.0.4'],
    'tasks.strip': ['127.0.0.4'],
    'tasks.extra': ['127.0.0.4'],
  });
  backends.push(
    await startBackend('go-demo', '127.0.0.2', port),
    await startBackend('other', '127.0.0.3', port),
    await startBackend('values', '127.0.0.4', port),
  );
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}` } });
  for (const s of SERVICES) {
    const q = new URLSearchParams({ ...s, port: String(port), replicas: '1' });
    const r = await api(proxy.apiUrl, `reconfigure?${q.toString()}`);
    expect(r.status).toBe(200);
  }
}, 60000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await Promise.all(backends.map((b) => b.close()));
});

describe('map files hold only keys the protocol produced (issue 11)', () => {
  it('every written key is one the parsed specs imply, and none is long', () => {
    const expected = new Set(
      SERVICES.flatMap((s) => {
        const r = parseServiceSpec({ ...s, port: String(port) });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        return keysOf(r.spec);
      }),
    );
    const lines = mapLines();
    expect(lines.length).toBe(expected.size);
    for (const line of lines) {
      const [key = '', backend, ...rest] = line.split(' ');
      expect(rest).toEqual([]);
      expect(backend).toMatch(/-be[0-9]+_0$/);
      expect(expected.has(key)).toBe(true);
      expect(key.length).toBeLessThan(1024 + 261);
    }
  });

  it('an over-long servicePath ending in another service`s path is refused and steals nothing', async () => {
    const before = await state();
    const maps = mapLines();
    const long = `/${'x'.repeat(16_383 - 1)}/demo/hello`;
    for (const body of [
      JSON.stringify({ serviceName: 'thief', servicePath: long, port, replicas: 1 }),
      new URLSearchParams({ serviceName: 'thief', servicePath: long, port: String(port) }).toString(),
    ]) {
      const json = body.startsWith('{');
      const r = await api(proxy.apiUrl, 'reconfigure', {
        method: 'POST',
        body,
        headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      });
      expect(r.status).toBe(400);
      expect(r.headers['x-flowproxy-state']).toBe(before);
      expect(JSON.stringify(r.json)).toMatch(/servicePath/);
      expect(JSON.stringify(r.json)).toMatch(/PARAM_TOO_LONG/);
      expect(JSON.stringify(r.json)).toMatch(/at most 4096 characters/);
    }
    expect(mapLines()).toEqual(maps);
    const res = await http(`${proxy.httpUrl}/demo/hello`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('go-demo GET /demo/hello');
  });
});

describe('the resync from the listener goes through the same parse (issue 11)', () => {
  it('an over-long path in get-services is rejected alone and takes no route', async () => {
    const long = `/${'x'.repeat(16_383 - 1)}/demo/hello`;
    const answer = [
      { serviceName: 'go-demo', servicePath: '/demo/hello', port: String(port), replicas: '1' },
      { serviceName: 'thief', servicePath: long, port: String(port), replicas: '1' },
      JSON.parse(
        `{"serviceName":"protoname","servicePath":"/proto","port":"${port}","__proto__":"x"}`,
      ) as unknown,
    ];
    const listener = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.includes('get-services') ? JSON.stringify(answer) : '[]');
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const address = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    const synced = await startProxy({
      env: { RESOLVERS: `nameserver dns ${dns.address}`, LISTENER_ADDRESS: address, RELOAD_INTERVAL: '3000' },
    });
    try {
      await eventually(
        async () => expect((await api(synced.apiUrl, 'successfulinitreload')).status).toBe(200),
        { timeoutMs: 40000 },
      );
      const res = await http(`${synced.httpUrl}/demo/hello`);
      expect(res.body).toBe('go-demo GET /demo/hello');
      const cfg = await api(synced.apiUrl, 'config?type=json');
      expect(Object.keys(cfg.json.services as object).sort()).toEqual(['go-demo', 'protoname']);
      expect(JSON.stringify(cfg.json.rejected)).toMatch(/PARAM_TOO_LONG/);
      const keys = readdirSync(synced.dirs.config)
        .filter((f) => f.endsWith('.map'))
        .flatMap((f) => readFileSync(join(synced.dirs.config, f), 'utf8').split('\n'))
        .filter((l) => l.length > 0)
        .map((l) => l.split(' ')[0]);
      expect(keys.sort()).toEqual(['/demo/hello', '/proto']);
    } finally {
      await synced.stop();
      await new Promise<void>((r) => listener.close(() => r()));
    }
  });
});

describe('header values and rewrites as upstream (issue 10)', () => {
  it('a quoted header value arrives without its quotes; an empty replacement strips the path', async () => {
    const q = new URLSearchParams({
      serviceName: 'hsts',
      servicePath: '/hsts',
      port: String(port),
      setResHeader: 'Strict-Transport-Security "max-age=16000000; includeSubDomains; preload;"',
      addReqHeader: "X-Quoted 'a b',X-Pct 50%%",
      reqPathSearch: '/hsts',
      reqPathReplace: '',
    });
    expect((await api(proxy.apiUrl, `reconfigure?${q.toString()}`)).status).toBe(200);
    const strip = new URLSearchParams({
      serviceName: 'strip',
      servicePath: '/strip',
      port: String(port),
      reqPathSearchReplace: '/strip,',
    });
    expect((await api(proxy.apiUrl, `reconfigure?${strip.toString()}`)).status).toBe(200);
    await eventually(async () => {
      const res = await http(`${proxy.httpUrl}/hsts/x/y`);
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=16000000; includeSubDomains; preload;');
      expect(res.body).toBe('values GET /x/y');
      const seen = JSON.parse(String(res.headers['x-echo-headers'])) as Record<string, string>;
      expect(seen['x-quoted']).toBe('a b');
      expect(seen['x-pct']).toBe('50%');
    });
    const s = await http(`${proxy.httpUrl}/strip/z`);
    expect(s.body).toBe('values GET /z');
  });

  it('every allowed fetch is one HAProxy accepts in its direction and evaluates per request', async () => {
    const items = (fetches: readonly string[], header: string): string =>
      fetches.map((f, i) => `X-F${i} %[${f.replace('<name>', header)}]`).join(',');
    const q = new URLSearchParams({
      serviceName: 'extra',
      servicePath: '/extra',
      port: String(port),
      addReqHeader: items(HEADER_FETCHES.request, 'host'),
      addResHeader: items(HEADER_FETCHES.response, 'x-backend'),
    });
    const r = await api(proxy.apiUrl, `reconfigure?${q.toString()}`);
    expect(r.status).toBe(200);
    await eventually(async () => {
      const res = await http(`${proxy.httpUrl}/extra/x?q=1`);
      expect(res.status).toBe(200);
      const seen = JSON.parse(String(res.headers['x-echo-headers'])) as Record<string, string>;
      expect(seen[`x-f${HEADER_FETCHES.request.indexOf('src')}`]).toBe('127.0.0.1');
      expect(seen[`x-f${HEADER_FETCHES.request.indexOf('path')}`]).toBe('/extra/x');
      expect(res.headers[`x-f${HEADER_FETCHES.response.indexOf('status')}`]).toBe('200');
      expect(res.headers[`x-f${HEADER_FETCHES.response.indexOf('res.hdr(<name>)')}`]).toBe('values');
    });
  });

  it('env(), var() and a stray % are refused by the protocol, not by haproxy -c', async () => {
    const before = await state();
    for (const [param, value] of [
      ['setResHeader', 'X-Leak %[env(STATS_PASS)]'],
      ['addReqHeader', 'X-V %[var(txn.a)]'],
      ['addResHeader', 'X-A 50%'],
    ] as const) {
      const q = new URLSearchParams({ serviceName: 'extra', servicePath: '/extra', port: String(port) });
      q.set(param, value);
      const r = await api(proxy.apiUrl, `reconfigure?${q.toString()}`);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ errors: [{ param, code: 'PARAM_INVALID' }] });
      expect(r.headers['x-flowproxy-state']).toBe(before);
    }
    const leak = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=extra&servicePath=/extra&port=${port}&setResHeader=${encodeURIComponent('X-Leak %[env(HOME)]')}`,
    );
    expect(String(leak.json.message)).toMatch(/req\.hdr|src/);
  });
});

describe('unknown parameter names (issue 10) and prototype names (issue 11)', () => {
  it('an unknown name is accepted and reported in the reply, config?type=json, the metric and the log', async () => {
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=extra&servicePath=/extra&port=${port}&companionSetting=1&letsencrypt.host=a.example.com`,
    );
    expect(r.status).toBe(200);
    expect(r.json.warnings).toEqual([
      expect.objectContaining({ param: 'companionSetting', code: 'PARAM_UNKNOWN' }),
    ]);
    const cfg = await api(proxy.apiUrl, 'config?type=json');
    const services = cfg.json.services as Record<string, { warnings?: unknown[] }>;
    expect(services.extra?.warnings).toEqual([expect.objectContaining({ param: 'companionSetting' })]);
    expect(services['go-demo']?.warnings).toBeUndefined();
    const metrics = await http(`http://127.0.0.1:${proxy.apiPort}/metrics`);
    expect(metricValue(metrics.body, 'flowproxy_unknown_params', 'param="companionSetting"')).toBe(1);
    expect(proxy.log()).toMatch(/reconfigure\.warnings/);
    // A second identical request changes nothing: the gauge counts services, not requests.
    await api(
      proxy.apiUrl,
      `reconfigure?serviceName=extra&servicePath=/extra&port=${port}&companionSetting=1`,
    );
    const again = await http(`http://127.0.0.1:${proxy.apiPort}/metrics`);
    expect(metricValue(again.body, 'flowproxy_unknown_params', 'param="companionSetting"')).toBe(1);
  });

  it('a likely misspelling is refused, so a typo never drops authentication', async () => {
    const before = await state();
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=go-demo&servicePath=/demo/hello&port=${port}&usrs=admin:secret`,
    );
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ errors: [{ param: 'usrs', code: 'PARAM_UNKNOWN', didYouMean: 'users' }] });
    expect(r.headers['x-flowproxy-state']).toBe(before);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    '%s in the query, the body or both is a plain unknown name, never a 500',
    async (name) => {
      const q = `serviceName=go-demo&servicePath=/demo/hello,/demo/person&port=${port}&replicas=1&${name}=x`;
      const asQuery = await api(proxy.apiUrl, `reconfigure?${q}`);
      const both = await api(proxy.apiUrl, `reconfigure?${q}`, {
        method: 'POST',
        body: JSON.stringify({ [name]: 'y', distribute: { toString: 1 } }),
        headers: { 'content-type': 'application/json' },
      });
      for (const r of [asQuery, both]) {
        expect(r.status).toBeLessThan(500);
        expect(r.headers['x-flowproxy-state']).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(asQuery.status).toBe(200);
      expect((await http(`${proxy.httpUrl}/demo/hello`)).status).toBe(200);
    },
  );
});
