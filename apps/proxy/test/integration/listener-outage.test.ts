import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { startFakeListener, type FakeListener } from './fake-listener.js';
import { api, http, metricValue, promMetrics, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Issue 11, "a replica that cannot reach the listener never becomes healthy": start-up waits for
// the listener at most LISTENER_WAIT before HAProxy binds (issue 12), then the replica serves what
// it has, the container healthcheck (`healthy`) passes, and `ready` and a metric say it is not in sync. Issue 15, "stack up fast":
// the first get-services is retried after 100 ms (doubling), not after RELOAD_INTERVAL.
let backend: Backend;
let port = 0;
let listenerPort = 0;
let proxy: StartedProxy | undefined;
let listener: FakeListener | undefined;

beforeAll(async () => {
  [port, listenerPort] = (await freePorts(2)) as [number, number];
  backend = await startBackend('saved', '127.0.0.10', port);
});

afterAll(async () => {
  await proxy?.stop();
  await listener?.close();
  await backend?.close();
});

describe('the listener is unreachable when a replica starts', () => {
  it('serves its saved state after LISTENER_WAIT, healthy, and reports not in sync', async () => {
    // A replica that routed a service before, restarted while the listener is down.
    const first = await startProxy();
    const r = await api(
      first.apiUrl,
      `reconfigure?serviceName=saved&servicePath=/saved&port=${port}&outboundHostname=127.0.0.10`,
    );
    expect(r.status).toBe(200);
    await first.stop();
    const t0 = Date.now();
    proxy = await startProxy({
      reuse: first,
      env: {
        LISTENER_ADDRESS: `127.0.0.1:${listenerPort}`,
        LISTENER_WAIT: '3000',
        RELOAD_INTERVAL: '20000',
      },
    });
    // The API (and HAProxy) come up only after LISTENER_WAIT, and then it is healthy at once.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect((await api(proxy.apiUrl, 'healthy')).status).toBe(200);
    const ready = await api(proxy.apiUrl, 'ready');
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ code: 'NOT_IN_SYNC', initialSync: false, inSync: false });
    expect((await api(proxy.apiUrl, 'successfulinitreload')).status).toBe(503);
    const metrics = (await promMetrics(proxy.apiUrl)).body;
    expect(metricValue(metrics, 'flowproxy_listener_in_sync')).toBe(0);
    // Serving what it has meanwhile.
    expect((await http(`${proxy.httpUrl}/saved/`)).status).toBe(200);
  });

  it('syncs within a few seconds of the listener appearing, though RELOAD_INTERVAL is 20 s', async () => {
    listener = await startFakeListener(listenerPort);
    listener.services = [
      {
        serviceName: 'saved',
        servicePath: '/saved',
        port: String(port),
        outboundHostname: '127.0.0.10',
      },
      { serviceName: 'fresh', servicePath: '/fresh', port: String(port), outboundHostname: '127.0.0.10' },
    ];
    const appeared = Date.now();
    await eventually(async () => expect((await api(proxy!.apiUrl, 'ready')).status).toBe(200), {
      timeoutMs: 20000,
      intervalMs: 50,
    });
    const ms = Date.now() - appeared;
    process.stdout.write(`listener appeared -> in sync: ${ms} ms\n`);
    // Retries at most 2 s apart until the first success; the old code waited the full 20 s interval.
    expect(ms).toBeLessThan(10000);
    expect((await http(`${proxy!.httpUrl}/fresh/`)).status).toBe(200);
    expect((await api(proxy!.apiUrl, 'successfulinitreload')).status).toBe(200);
    expect(metricValue((await promMetrics(proxy!.apiUrl)).body, 'flowproxy_listener_in_sync')).toBe(1);
  });

  it('a replica without LISTENER_ADDRESS is healthy and ready at once', async () => {
    const alone = await startProxy();
    try {
      expect((await api(alone.apiUrl, 'healthy')).status).toBe(200);
      expect((await api(alone.apiUrl, 'ready')).json).toMatchObject({ listener: false, inSync: true });
    } finally {
      await alone.stop();
    }
  });
});
