import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, freePorts, sleep, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { startFakeListener as startListener, type FakeListener } from './fake-listener.js';
import { api, http, startBackend, type Backend, promMetrics } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// Three real proxies (three HAProxy instances) on loopback and a recording stand-in for the
// listener's API. Every replica has its own API port, so the peer list is PEERS=host:port,...
const INTERVAL = 400;
let backend: Backend;
let port = 0;
let listener: FakeListener;
let listenerPort = 0;
let apiPorts: number[] = [];
const replicas: (StartedProxy | undefined)[] = [];

/** What the listener would send for service i (strings, as get-services does). */
const service = (i: number): Record<string, string> => ({
  serviceName: `app${i}`,
  servicePath: `/app${i}/`,
  port: String(port),
  outboundHostname: '127.0.0.8',
  replicas: '1',
  distribute: 'true',
});

const startReplica = (
  i: number,
  extra: Record<string, string> = {},
  reuse?: StartedProxy,
): Promise<StartedProxy> =>
  startProxy({
    apiPort: apiPorts[i] as number,
    ...(reuse ? { reuse } : {}),
    waitReady: false,
    env: {
      LISTENER_ADDRESS: `http://127.0.0.1:${listenerPort}`,
      RELOAD_INTERVAL: String(INTERVAL),
      PEERS: apiPorts.map((p) => `127.0.0.1:${p}`).join(','),
      // Generous: a reload on a loaded machine can take seconds; a down replica is refused at once.
      DISTRIBUTE_TIMEOUT_MS: '20000',
      // Removal by the resync after two answers without the service (see resync.test.ts).
      RESYNC_REMOVE_AFTER: '0',
      ...extra,
    },
  });

const hashOf = async (p: StartedProxy): Promise<string> =>
  String((await api(p.apiUrl, 'config?type=json')).json.hash);
const reloads = async (p: StartedProxy): Promise<number> =>
  Number(
    /^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m.exec((await promMetrics(p.apiUrl)).body)?.[1] ?? 0,
  );

beforeAll(async () => {
  const ports = await freePorts(5);
  [port, listenerPort] = ports as [number, number];
  apiPorts = ports.slice(2);
  backend = await startBackend('app', '127.0.0.8', port);
  listener = await startListener(listenerPort);
  listener.services = Array.from({ length: 20 }, (_, i) => service(i));
  replicas[0] = await startReplica(0);
  replicas[1] = await startReplica(1);
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r?.stop() ?? Promise.resolve()));
  await listener?.close();
  await backend?.close();
});

describe('scale-out', () => {
  it('a new replica is ready only once it routes all 20 services, with the same state hash', async () => {
    const [r0, r1] = replicas as [StartedProxy, StartedProxy];
    await eventually(async () => expect((await api(r0.apiUrl, 'successfulinitreload')).status).toBe(200), {
      timeoutMs: 10000,
    });
    await eventually(async () => expect((await api(r1.apiUrl, 'successfulinitreload')).status).toBe(200), {
      timeoutMs: 10000,
    });
    const r2 = await startReplica(2);
    replicas[2] = r2;
    // Poll readiness; the moment it says 200, every route must already answer.
    await eventually(async () => expect((await api(r2.apiUrl, 'successfulinitreload')).status).toBe(200), {
      timeoutMs: 10000,
      intervalMs: 10,
    });
    const codes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await http(`${r2.httpUrl}/app${i}/`)).status),
    );
    expect(codes).toEqual(Array(20).fill(200));
    const hashes = await Promise.all([r0, r1, r2].map(hashOf));
    expect(new Set(hashes).size).toBe(1);
    expect(r2.log()).toMatch(/initial state from the listener applied: ready/);
    // Applied in one reload, not twenty.
    expect(await reloads(r2)).toBe(1);
  }, 120_000);

  it('a distributed reconfigure reaches all three replicas before it answers', async () => {
    const [r0, r1, r2] = replicas as StartedProxy[] as [StartedProxy, StartedProxy, StartedProxy];
    listener.services = [...listener.services, service(20)];
    const q = new URLSearchParams(service(20)).toString();
    const r = await api(r1.apiUrl, `reconfigure?${q}`);
    expect(r.status).toBe(200);
    expect(r.json.Message).toBe('Distributed to all instances');
    expect((r.json.replicas as { address: string; ok: boolean }[]).map((x) => x.ok)).toEqual([
      true,
      true,
      true,
    ]);
    for (const p of [r0, r1, r2]) expect((await http(`${p.httpUrl}/app20/`)).status).toBe(200);
    const hashes = await Promise.all([r0, r1, r2].map(hashOf));
    expect(new Set(hashes).size).toBe(1);
    expect(r.headers['x-flowproxy-state']).toBe(hashes[0]);
    // A distributed remove too.
    listener.services = listener.services.filter((s) => s.serviceName !== 'app20');
    expect((await api(r2.apiUrl, 'remove?serviceName=app20&distribute=true')).status).toBe(200);
    for (const p of [r0, r1, r2]) expect((await http(`${p.httpUrl}/app20/`)).status).toBe(503);
  }, 120_000);

  it('with one replica down the caller gets a partial failure naming it; the resync heals it on return', async () => {
    const [r0, r1] = replicas as [StartedProxy, StartedProxy];
    const down = replicas[2] as StartedProxy;
    await down.stop();
    listener.services = [...listener.services, service(21)];
    const r = await api(r0.apiUrl, `reconfigure?${new URLSearchParams(service(21)).toString()}`);
    expect(r.status).toBe(500);
    expect(r.json.code).toBe('DISTRIBUTE_FAILED');
    expect(String(r.json.message)).toContain(`127.0.0.1:${apiPorts[2]}`);
    const outcome = (r.json.replicas as { address: string; ok: boolean }[]).map(
      (x) => `${x.address} ${x.ok}`,
    );
    expect(outcome).toEqual([
      `127.0.0.1:${apiPorts[0]} true`,
      `127.0.0.1:${apiPorts[1]} true`,
      `127.0.0.1:${apiPorts[2]} false`,
    ]);
    const back = await startReplica(2, {}, down);
    replicas[2] = back;
    await eventually(async () => expect((await api(back.apiUrl, 'successfulinitreload')).status).toBe(200), {
      timeoutMs: 10000,
    });
    expect((await http(`${back.httpUrl}/app21/`)).status).toBe(200);
    expect(await hashOf(back)).toBe(await hashOf(r0));
    expect(await hashOf(r1)).toBe(await hashOf(r0));
  }, 120_000);

  it('the periodic resync applies missed changes and removals, and reloads nothing when nothing changed', async () => {
    const all = replicas as StartedProxy[];
    // A change only the listener knows about (its notification was lost), and a removal.
    listener.services = [...listener.services.filter((s) => s.serviceName !== 'app0'), service(22)];
    await eventually(
      async () => {
        for (const p of all) {
          expect((await http(`${p.httpUrl}/app22/`)).status).toBe(200);
          expect((await http(`${p.httpUrl}/app0/`)).status).toBe(503);
        }
      },
      // Two resync answers without app0 before it goes: generous, the machine may be loaded.
      { timeoutMs: 30_000 },
    );
    // A route can answer a few ms before its reload is counted: let the counters settle first.
    await sleep(INTERVAL);
    const before = await Promise.all(all.map(reloads));
    await sleep(INTERVAL * 3);
    expect(await Promise.all(all.map(reloads))).toEqual(before);
    expect(new Set(await Promise.all(all.map(hashOf))).size).toBe(1);
  }, 90_000);

  it('reload?fromListener=true asks the listener to send every service', async () => {
    const r0 = replicas[0] as StartedProxy;
    const before = listener.notifyCalls;
    expect((await api(r0.apiUrl, 'reload?fromListener=true')).status).toBe(200);
    expect(listener.notifyCalls).toBe(before + 1);
  });
});

describe('listener unreachable at start', () => {
  it('keeps retrying, stays not ready (503), and is ready within one interval after the listener appears', async () => {
    const [lp, ap] = (await freePorts(2)) as [number, number];
    const p = await startProxy({
      apiPort: ap,
      env: {
        LISTENER_ADDRESS: `127.0.0.1:${lp}`,
        RELOAD_INTERVAL: String(INTERVAL),
        PEERS: `127.0.0.1:${ap}`,
      },
    });
    let late: FakeListener | undefined;
    try {
      await sleep(INTERVAL * 3);
      const notReady = await api(p.apiUrl, 'successfulinitreload');
      expect(notReady.status).toBe(503);
      expect(notReady.json.code).toBe('NOT_READY');
      expect((p.log().match(/could not sync from the listener/g) ?? []).length).toBeGreaterThanOrEqual(2);
      late = await startListener(lp);
      late.services = [service(1)];
      const appeared = Date.now();
      await eventually(async () => expect((await api(p.apiUrl, 'successfulinitreload')).status).toBe(200), {
        // Generous: 1.2 s on a quiet machine, 12.5 s once at load average 20 (the bench measures it).
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      process.stdout.write(`listener appeared -> ready in ${Date.now() - appeared} ms\n`);
      expect((await http(`${p.httpUrl}/app1/`)).status).toBe(200);
    } finally {
      await p.stop();
      await late?.close();
    }
  }, 120_000);
});
