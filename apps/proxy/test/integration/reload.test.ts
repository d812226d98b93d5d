import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Agent } from 'node:http';
import { createServer, type Server } from 'node:net';
import { eventually, freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend, promMetrics } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// Reload behaviour under load and under bad input. ALLOW_RAW_CONFIG lets a test build a service that
// passes the protocol's validation but not `haproxy -c`.
let dns: Dns;
let proxy: StartedProxy;
let backend: Backend;
let port = 0;
let busyPort = 0;
let busy: Server;

const reloadsOk = async (): Promise<number> =>
  Number(
    /^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m.exec((await promMetrics(proxy.apiUrl)).body)?.[1] ??
      0,
  );

beforeAll(async () => {
  [port, busyPort] = (await freePorts(2)) as [number, number];
  busy = createServer(() => undefined);
  await new Promise<void>((r) => busy.listen(busyPort, '0.0.0.0', () => r()));
  const records: Record<string, string[]> = { 'tasks.web': ['127.0.0.4'] };
  for (let i = 0; i < 60; i++) records[`tasks.svc${i}`] = ['127.0.0.4'];
  for (let i = 0; i < 10; i++) records[`tasks.ok${i}`] = ['127.0.0.4'];
  dns = await startDns(records);
  backend = await startBackend('web', '127.0.0.4', port);
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}`, ALLOW_RAW_CONFIG: 'true' } });
  expect((await api(proxy.apiUrl, `reconfigure?serviceName=web&servicePath=/web&port=${port}`)).status).toBe(
    200,
  );
  await eventually(async () => expect((await http(`${proxy.httpUrl}/web/`)).status).toBe(200));
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await backend?.close();
  await new Promise((r) => busy?.close(r));
});

describe('reloads', () => {
  it('50 concurrent reconfigure calls all land in the final config, in a few coalesced reloads', async () => {
    const before = await reloadsOk();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(proxy.apiUrl, `reconfigure?serviceName=svc${i}&servicePath=/svc${i}&port=${port}`),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const reloads = (await reloadsOk()) - before;
    expect(reloads).toBeGreaterThanOrEqual(1);
    expect(reloads).toBeLessThanOrEqual(10);
    const json = (await api(proxy.apiUrl, 'config?type=json')).json;
    for (let i = 0; i < 50; i++) expect(json.services).toHaveProperty(`svc${i}`);
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    for (let i = 0; i < 50; i++) expect(cfg).toContain(`tasks.svc${i}:`);
    // 200 means live: every route answers right away (the task address survived the reloads).
    await eventually(async () => {
      const codes = await Promise.all(
        [0, 17, 49].map(async (i) => (await http(`${proxy.httpUrl}/svc${i}/x`)).status),
      );
      expect(codes).toEqual([200, 200, 200]);
    });
  }, 120_000);

  it('a client looping requests during 20 reloads sees zero errors (keep-alive and new connections)', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const loop = async (agent: Agent | false): Promise<void> => {
      while (!stop) {
        try {
          const r = await http(`${proxy.httpUrl}/web/x`, { agent });
          if (r.status === 200) ok += 1;
          else failures.push(`status ${r.status}`);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    };
    const before = await reloadsOk();
    const loops = [loop(keepAlive), loop(keepAlive), loop(false), loop(false)];
    for (let i = 0; i < 20; i++) {
      // Each call changes web's backend section (a path alone would be a map entry, applied
      // without a reload) and answers after its reload.
      const r = await api(
        proxy.apiUrl,
        `reconfigure?serviceName=web&servicePath=/web&port=${port}&timeoutServer=${20 + i}`,
      );
      expect(r.status).toBe(200);
    }
    stop = true;
    await Promise.all(loops);
    keepAlive.destroy();
    expect((await reloadsOk()) - before).toBe(20);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
  }, 60000);

  it('an invalid service among 10 valid ones is the only one rejected, with HAProxy`s message mapped to the parameter', async () => {
    const calls = [
      ...Array.from(
        { length: 10 },
        (_, i) => `reconfigure?serviceName=ok${i}&servicePath=/ok${i}&port=${port}`,
      ),
      `reconfigure?serviceName=bad&servicePath=/bad&port=${port}&backendExtra=${encodeURIComponent('no-such-keyword 1')}`,
    ];
    const results = await Promise.all(calls.map((c) => api(proxy.apiUrl, c)));
    expect(results.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(200));
    const bad = results[10];
    expect(bad?.status).toBe(400);
    expect(bad?.json).toMatchObject({ code: 'HAPROXY_REJECTED', ServiceName: 'bad' });
    expect(String(bad?.json.message)).toMatch(/no-such-keyword/);
    expect(bad?.body).not.toMatch(/frontend services|^global/m); // never the whole config
    expect((bad?.json.errors as { param: string }[])[0]?.param).toBe('backendExtra');
    const state = (await api(proxy.apiUrl, 'config?type=json')).json;
    expect(state.services).not.toHaveProperty('bad');
    expect(state.rejected).toHaveProperty('bad');
    expect((state.rejected as Record<string, { code: string }>).bad?.code).toBe('HAPROXY_REJECTED');
    expect((await api(proxy.apiUrl, 'config')).body).not.toContain('no-such-keyword');
    await eventually(async () => {
      const codes = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => (await http(`${proxy.httpUrl}/ok${i}/`)).status),
      );
      expect(codes).toEqual(Array(10).fill(200));
    });
    const m = (await promMetrics(proxy.apiUrl)).body;
    expect(m).toMatch(/^flowproxy_rejected_services [1-9]/m);
    // A later valid version of the same service replaces the rejection.
    expect(
      (await api(proxy.apiUrl, `reconfigure?serviceName=bad&servicePath=/bad&port=${port}`)).status,
    ).toBe(200);
    expect((await api(proxy.apiUrl, 'config?type=json')).json.rejected).not.toHaveProperty('bad');
  }, 120_000);

  it('a config that passes haproxy -c but fails to load is rolled back and the others keep serving', async () => {
    const hashBefore = (await api(proxy.apiUrl, 'config?type=json')).json.hash;
    const cfgBefore = (await api(proxy.apiUrl, 'config')).body;
    // The port is taken by another process: only the new worker's bind can find out.
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=clash&reqMode=tcp&srcPort=${busyPort}&port=${port}`,
    );
    expect(r.status).toBe(500);
    expect(r.json.code).toBe('RELOAD_FAILED');
    const after = await api(proxy.apiUrl, 'config?type=json');
    expect(after.json.hash).toBe(hashBefore);
    expect(after.json.services).not.toHaveProperty('clash');
    expect((await api(proxy.apiUrl, 'config')).body).toBe(cfgBefore);
    await eventually(async () => expect((await http(`${proxy.httpUrl}/web/x`)).status).toBe(200));
    // And the pipeline still works afterwards.
    expect(
      (
        await api(
          proxy.apiUrl,
          `reconfigure?serviceName=after&servicePath=/after&port=${port}&outboundHostname=127.0.0.4`,
        )
      ).status,
    ).toBe(200);
    expect((await http(`${proxy.httpUrl}/after/`)).status).toBe(200);
  }, 120_000);
});
