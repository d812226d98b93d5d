import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  eventually,
  freePorts,
  sleep,
  startDns,
  startProxy,
  startSlowDns,
  type StartedProxy,
} from '@flowproxy/testkit';
import { startFakeListener, type FakeListener } from './fake-listener.js';
import { api, http, type Backend, startBackend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(90000);

// Issue 12, "the crashed node rejoins and its new proxy replica resyncs from the listener before
// it serves": with LISTENER_ADDRESS set, HAProxy binds the public port only once the listener's
// services are applied (LISTENER_WAIT bounds the wait), so a new replica never answers 503 for a
// route the listener knows. The listener here answers its first get-services late on purpose.
let backend: Backend;
let port = 0;
let listenerPort = 0;
let httpPort = 0;
let listener: FakeListener;
let proxy: StartedProxy | undefined;

beforeAll(async () => {
  [port, listenerPort, httpPort] = (await freePorts(3)) as [number, number, number];
  backend = await startBackend('fresh', '127.0.0.13', port);
  listener = await startFakeListener(listenerPort);
});

afterAll(async () => {
  await proxy?.stop();
  await listener?.close();
  await backend?.close();
});

/** What the public port answered, in order: a status, or `refused` when nothing listened. */
async function watchPort(url: string, until: () => boolean, maxMs: number): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + maxMs;
  while (!until() && Date.now() < deadline) {
    try {
      seen.push(String((await http(url, { timeoutMs: 2000 })).status));
    } catch (e) {
      const code = (e as { code?: string }).code;
      seen.push(code === 'ECONNREFUSED' ? 'refused' : `error ${code ?? (e as Error).message}`);
    }
    await sleep(20);
  }
  return seen;
}

describe('start-up order with a listener', () => {
  it('binds the public port only after the first get-services is applied: never 503 for a known route', async () => {
    listener.delayMs = 2500;
    listener.services = [
      { serviceName: 'fresh', servicePath: '/fresh', port: String(port), outboundHostname: '127.0.0.13' },
    ];
    let routed = false;
    const watching = watchPort(`http://127.0.0.1:${httpPort}/fresh/`, () => routed, 60000);
    const t0 = Date.now();
    proxy = await startProxy({
      httpPort,
      env: { LISTENER_ADDRESS: `127.0.0.1:${listenerPort}`, LISTENER_WAIT: '30000' },
    });
    const started = Date.now() - t0;
    // Liveness and readiness both hold as soon as the API answers: the sync came first.
    expect((await api(proxy.apiUrl, 'healthy')).status).toBe(200);
    expect((await api(proxy.apiUrl, 'ready')).json).toMatchObject({ initialSync: true, inSync: true });
    await eventually(async () => expect((await http(`${proxy!.httpUrl}/fresh/`)).status).toBe(200), {
      timeoutMs: 20000,
    });
    routed = true;
    const seen = await watching;
    const first = seen.findIndex((s) => s !== 'refused');
    process.stdout.write(
      `start-up with a listener answering after 2.5 s: API up after ${started} ms; port answers: ${seen.filter((s) => s === 'refused').length} refused, then ${seen.slice(first).join(' ')}\n`,
    );
    expect(listener.getCalls).toBeGreaterThanOrEqual(1);
    // The port was watched while the listener held its answer back: nothing bound then.
    expect(seen.slice(0, 10)).toEqual(Array(10).fill('refused'));
    // The first answer ever given is the route, and every one after it.
    expect(first).toBeGreaterThan(0);
    expect(seen.slice(first).every((s) => s === '200')).toBe(true);
    expect(started).toBeGreaterThanOrEqual(2500);
  });

  it('past LISTENER_WAIT it binds with what it has and reports not in sync', async () => {
    await proxy?.stop();
    proxy = undefined;
    // The listener now answers later than the replica waits: the saved state (the route) serves.
    listener.delayMs = 60000;
    const t0 = Date.now();
    proxy = await startProxy({
      httpPort,
      env: { LISTENER_ADDRESS: `127.0.0.1:${listenerPort}`, LISTENER_WAIT: '2000', RELOAD_INTERVAL: '20000' },
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect((await api(proxy.apiUrl, 'healthy')).status).toBe(200);
    const ready = await api(proxy.apiUrl, 'ready');
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ code: 'NOT_IN_SYNC', initialSync: false });
    // A fresh replica (no saved state): it serves nothing yet, but it serves.
    expect((await http(`${proxy.httpUrl}/fresh/`)).status).toBe(503);
  });
});

describe('fresh start with a slow DNS', () => {
  // Found on the multi-node harness: a new replica on a rejoined node answered its very first
  // request "503 No server is available" although the route was known, because no server had an
  // address before the resolvers' first answer. HAProxy now starts dark until those answers are in.
  let dnsBackend: Backend | undefined;
  let slowProxy: StartedProxy | undefined;
  afterAll(async () => {
    await slowProxy?.stop();
    await dnsBackend?.close();
  });

  it('binds the public port only once the first DNS answers are in: the first answer is the route', async () => {
    const [backendPort, lport, hport] = (await freePorts(3)) as [number, number, number];
    dnsBackend = await startBackend('slowdns', '127.0.0.14', backendPort);
    const slow = await startSlowDns(await startDns({ 'tasks.slowdns': ['127.0.0.14'] }), 600);
    const fake = await startFakeListener(lport);
    try {
      fake.services = [{ serviceName: 'slowdns', servicePath: '/slowdns', port: String(backendPort) }];
      let routed = false;
      const watching = watchPort(`http://127.0.0.1:${hport}/slowdns/`, () => routed, 60000);
      slowProxy = await startProxy({
        httpPort: hport,
        env: {
          LISTENER_ADDRESS: `127.0.0.1:${lport}`,
          LISTENER_WAIT: '30000',
          RESOLVERS: `nameserver dns ${slow.address}`,
        },
      });
      await eventually(async () => expect((await http(`${slowProxy!.httpUrl}/slowdns/`)).status).toBe(200), {
        timeoutMs: 20000,
      });
      routed = true;
      const seen = await watching;
      const first = seen.findIndex((s) => s !== 'refused');
      process.stdout.write(
        `fresh start, DNS answering after 600 ms: ${first} refused, then ${seen.slice(first).join(' ')}\n`,
      );
      expect(first).toBeGreaterThanOrEqual(0);
      expect(seen.slice(first).every((s) => s === '200')).toBe(true);
    } finally {
      await fake.close();
      await slow.stop();
    }
  });
});
