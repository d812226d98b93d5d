import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend, promMetrics } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// One proxy for the whole file: the HTTP API as an unmodified Docker Flow Swarm Listener uses it.
let dns: Dns;
let proxy: StartedProxy;
const backends: Backend[] = [];
let port = 0;

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  dns = await startDns({
    'tasks.go-demo': ['127.0.0.2'],
    'tasks.other': ['127.0.0.3'],
    'tasks.secret-svc': ['127.0.0.3'],
  });
  backends.push(
    await startBackend('go-demo', '127.0.0.2', port),
    await startBackend('other', '127.0.0.3', port),
  );
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}` } });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await Promise.all(backends.map((b) => b.close()));
});

describe('proxy API', () => {
  it('takes the exact reconfigure and remove requests of an unmodified listener (distribute=true)', async () => {
    const r = await api(
      proxy.apiUrl,
      `reconfigure?distribute=true&port=${port}&replicas=1&serviceName=go-demo&servicePath=%2Fdemo`,
    );
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ Status: 'OK', ServiceName: 'go-demo' });
    expect(r.headers['x-flowproxy-state']).toMatch(/^[0-9a-f]{64}$/);
    await eventually(async () => {
      const res = await http(`${proxy.httpUrl}/demo/hello`);
      expect(res.status).toBe(200);
      expect(res.body).toBe('go-demo GET /demo/hello');
    });
    const rm = await api(proxy.apiUrl, 'remove?serviceName=go-demo&distribute=true');
    expect(rm.status).toBe(200);
    expect(rm.json).toMatchObject({ Status: 'OK', ServiceName: 'go-demo' });
    // 200 means live: the route is gone as soon as remove answers.
    expect((await http(`${proxy.httpUrl}/demo/hello`)).status).toBe(503);
  });

  it('answers the upstream status codes with JSON errors naming the parameter', async () => {
    const noName = await api(proxy.apiUrl, 'reconfigure?servicePath=/x&port=1');
    expect(noName.status).toBe(400);
    expect(noName.json).toMatchObject({ status: 400, code: 'PARAM_INVALID', Status: 'NOK' });
    expect((noName.json.errors as { param: string }[])[0]?.param).toBe('serviceName');

    const noPath = await api(proxy.apiUrl, 'reconfigure?serviceName=x&port=8080');
    expect(noPath.status).toBe(409);
    expect(noPath.json.code).toBe('PATH_OR_DOMAIN_REQUIRED');

    const noPort = await api(proxy.apiUrl, 'reconfigure?serviceName=x&servicePath=/x');
    expect(noPort.status).toBe(400);
    expect((noPort.json.errors as { param: string }[])[0]?.param).toBe('port');

    const tcpNoSrc = await api(proxy.apiUrl, 'reconfigure?serviceName=x&reqMode=tcp&port=6379');
    expect(tcpNoSrc.status).toBe(400);

    const injection = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=x&servicePath=${encodeURIComponent('/x\n  bind :1')}&port=80`,
    );
    expect(injection.status).toBe(400);
    expect((injection.json.errors as { param: string }[])[0]?.param).toBe('servicePath');

    const unsupported = await api(
      proxy.apiUrl,
      'reconfigure?serviceName=x&servicePath=/x&port=80&templateFePath=/t',
    );
    expect(unsupported.status).toBe(400);
    expect(String(unsupported.json.message)).toMatch(/not supported/);

    const raw = await api(proxy.apiUrl, 'reconfigure?serviceName=x&servicePath=/x&port=80&backendExtra=foo');
    expect(raw.status).toBe(400);
    expect(String(raw.json.message)).toMatch(/ALLOW_RAW_CONFIG/);

    const rmNoName = await api(proxy.apiUrl, 'remove');
    expect(rmNoName.status).toBe(400);

    const rmUnknown = await api(proxy.apiUrl, 'remove?serviceName=never-existed');
    expect(rmUnknown.status).toBe(200);

    const json = await api(proxy.apiUrl, 'config?type=json');
    expect(Object.keys(json.json.rejected as object)).toEqual(expect.arrayContaining(['x']));
  });

  it('accepts POST with a urlencoded body and with a JSON body, giving the same state', async () => {
    const form = await api(proxy.apiUrl, 'reconfigure', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `serviceName=other&servicePath=/other&port=${port}`,
    });
    expect(form.status).toBe(200);
    const h1 = form.headers['x-flowproxy-state'];
    const json = await api(proxy.apiUrl, 'reconfigure', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceName: 'other', servicePath: '/other', port }),
    });
    expect(json.status).toBe(200);
    expect(json.headers['x-flowproxy-state']).toBe(h1);
    await eventually(async () =>
      expect((await http(`${proxy.httpUrl}/other/x`)).body).toBe('other GET /other/x'),
    );
  });

  it('shows the running haproxy.cfg as text and the state as JSON with passwords masked', async () => {
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=secret-svc&servicePath=/secret&port=${port}&users=alice:s3cr3t-pw`,
    );
    expect(r.status).toBe(200);
    const text = await api(proxy.apiUrl, 'config');
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toMatch(/text\/plain/);
    // The running file, with the password masked (issue 11).
    const file = readFileSync(join(proxy.dirs.config, 'haproxy.cfg'), 'utf8');
    expect(file).toContain("user alice insecure-password 's3cr3t-pw'");
    expect(text.body).toBe(file.replace("'s3cr3t-pw'", "'***'"));
    expect(text.body).toMatch(/^global/m);

    const json = await api(proxy.apiUrl, 'config?type=json');
    expect(json.body).not.toContain('s3cr3t-pw');
    const services = json.json.services as Record<string, { users: { user: string; password: string }[] }>;
    expect(services['secret-svc']?.users).toEqual([{ user: 'alice', password: '***' }]);
    expect(json.json.hash).toBe(json.headers['x-flowproxy-state']);
    expect(typeof json.json.version).toBe('number');
    expect(proxy.log()).not.toContain('s3cr3t-pw');
    await eventually(async () =>
      expect((await http(`${proxy.httpUrl}/secret/`, { auth: 'alice:s3cr3t-pw' })).status).toBe(200),
    );
  });

  it('logs one JSON line per reconfigure and remove with service, outcome and duration', async () => {
    const lines = proxy
      .log()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const reconf = lines.filter((l) => l.event === 'reconfigure');
    expect(reconf.length).toBeGreaterThan(3);
    for (const l of reconf) {
      expect(l).toHaveProperty('outcome');
      expect(typeof l.durationMs).toBe('number');
    }
    expect(reconf.some((l) => l.serviceName === 'go-demo' && l.outcome === 'applied')).toBe(true);
    expect(
      lines.some((l) => l.event === 'remove' && l.serviceName === 'go-demo' && l.outcome === 'removed'),
    ).toBe(true);
    expect(lines.some((l) => l.event === 'reload' && l.outcome === 'ok')).toBe(true);
  });

  it('serves ping, successfulinitreload (no listener: ready at once), metrics, and 404 for unknown endpoints', async () => {
    expect((await api(proxy.apiUrl, 'ping')).json).toMatchObject({ Status: 'OK' });
    expect((await api(proxy.apiUrl, 'successfulinitreload')).status).toBe(200);
    const m = await promMetrics(proxy.apiUrl);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/^flowproxy_reloads_total\{outcome="ok"\} [1-9]/m);
    expect(m.body).toMatch(/^flowproxy_services [0-9]+/m);
    expect(m.body).toMatch(/^flowproxy_rejected_services [1-9]/m);
    expect(m.body).toMatch(/^flowproxy_state_version [1-9]/m);
    expect(m.body).toMatch(/^flowproxy_reconfigure_total\{outcome="invalid"\} [1-9]/m);
    expect((await api(proxy.apiUrl, 'nope')).status).toBe(404);
  });

  it('reload re-renders and reloads; recreate=true too', async () => {
    const before = await promMetrics(proxy.apiUrl);
    const count = (t: string): number =>
      Number(/^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m.exec(t)?.[1] ?? 0);
    expect((await api(proxy.apiUrl, 'reload')).status).toBe(200);
    expect((await api(proxy.apiUrl, 'reload?recreate=true')).status).toBe(200);
    const after = await promMetrics(proxy.apiUrl);
    expect(count(after.body)).toBe(count(before.body) + 2);
    expect((await api(proxy.apiUrl, 'reload?fromListener=true')).status).toBe(400);
  });

  it('does not reload when the same service is sent again', async () => {
    const count = async (): Promise<number> =>
      Number(
        /^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m.exec(
          (await promMetrics(proxy.apiUrl)).body,
        )?.[1] ?? 0,
      );
    const before = await count();
    for (let i = 0; i < 3; i++)
      expect(
        (
          await api(
            proxy.apiUrl,
            `reconfigure?serviceName=other&servicePath=/other&port=${port}&distribute=true`,
          )
        ).status,
      ).toBe(200);
    expect(await count()).toBe(before);
  });
});
