import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, freePorts, sleep, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { startFakeListener, type FakeListener } from './fake-listener.js';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Issue 11, "a resync can drop a live route": Docker Flow Swarm Listener's get-services leaves a
// service out while its tasks are not all running (a rolling update). A real HTTP server plays the
// listener on loopback and answers as it does during a rolling update; the route must survive.
// Also: the answer is read with a byte limit (RESYNC_MAX_BYTES), over it the resync is refused.
const INTERVAL = 200;
const GRACE = 4000;
let backend: Backend;
let port = 0;
let listener: FakeListener;
let proxy: StartedProxy;

const svc = (name: string): Record<string, string> => ({
  serviceName: name,
  servicePath: `/${name}`,
  port: String(port),
  outboundHostname: '127.0.0.11',
  replicas: '2',
  distribute: 'true',
});

beforeAll(async () => {
  const [backendPort, listenerPort] = (await freePorts(2)) as [number, number];
  port = backendPort;
  backend = await startBackend('rolling', '127.0.0.11', port);
  listener = await startFakeListener(listenerPort);
  listener.services = [svc('stable'), svc('rolling')];
  proxy = await startProxy({
    waitReady: true,
    env: {
      LISTENER_ADDRESS: `127.0.0.1:${listenerPort}`,
      RELOAD_INTERVAL: String(INTERVAL),
      RESYNC_REMOVE_AFTER: String(GRACE),
      RESYNC_MAX_BYTES: '4096',
    },
  });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await listener?.close();
  await backend?.close();
});

describe('resync during a rolling update', () => {
  it('keeps the route of a service the listener leaves out while its tasks roll', async () => {
    expect((await http(`${proxy.httpUrl}/rolling/`)).status).toBe(200);
    const getsBefore = listener.getCalls;
    // The rolling update: several consecutive answers without the service.
    listener.services = [svc('stable')];
    const statuses: number[] = [];
    const until = Date.now() + GRACE / 2;
    while (Date.now() < until) {
      statuses.push((await http(`${proxy.httpUrl}/rolling/`)).status);
      await sleep(50);
    }
    expect(listener.getCalls - getsBefore).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Its tasks all run again: the listener lists it again.
    listener.services = [svc('stable'), svc('rolling')];
    await eventually(async () => expect((await api(proxy.apiUrl, 'ready')).status).toBe(200));
    await sleep(INTERVAL * 3);
    expect((await http(`${proxy.httpUrl}/rolling/`)).status).toBe(200);
    expect(proxy.log()).not.toMatch(/"removed":[1-9]/);
  });

  it('removes a service missing for RESYNC_REMOVE_AFTER from two or more answers', async () => {
    listener.services = [svc('stable')];
    const gone = Date.now();
    await eventually(async () => expect((await http(`${proxy.httpUrl}/rolling/`)).status).toBe(503), {
      timeoutMs: GRACE * 5,
      intervalMs: 100,
    });
    expect(Date.now() - gone).toBeGreaterThanOrEqual(GRACE);
    expect((await http(`${proxy.httpUrl}/stable/`)).status).toBe(200);
    await eventually(async () => expect(proxy.log()).toMatch(/"removed":1/));
  });
});

describe('resync answer size', () => {
  it('refuses an answer over RESYNC_MAX_BYTES: logged, state unchanged, not in sync', async () => {
    const before = await api(proxy.apiUrl, 'config?type=json');
    // 60 services whose listing exceeds 4096 bytes; one of them would replace `stable`.
    listener.services = [
      { ...svc('stable'), servicePath: '/hijacked' },
      ...Array.from({ length: 60 }, (_, i) => svc(`bulk${i}`)),
    ];
    expect(JSON.stringify(listener.services).length).toBeGreaterThan(4096);
    await eventually(async () => expect(proxy.log()).toMatch(/"code":"RESYNC_TOO_LARGE"/));
    await eventually(async () =>
      expect((await api(proxy.apiUrl, 'ready')).json).toMatchObject({ code: 'NOT_IN_SYNC' }),
    );
    await sleep(INTERVAL * 3);
    const after = await api(proxy.apiUrl, 'config?type=json');
    expect(after.json.hash).toBe(before.json.hash);
    expect((await http(`${proxy.httpUrl}/stable/`)).status).toBe(200);
    expect((await http(`${proxy.httpUrl}/bulk0/`)).status).toBe(503);
    // Back under the limit: in sync again.
    listener.services = [svc('stable')];
    await eventually(async () => expect((await api(proxy.apiUrl, 'ready')).status).toBe(200));
  });
});
