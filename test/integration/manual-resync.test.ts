import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  docker,
  ensureSwarm,
  eventually,
  freePort,
  sleep,
  startProxy,
  type StartedProxy,
} from '@flowproxy/testkit';
import type { ListenerHandle } from '../../apps/swarm-listener/src/app/create-listener.js';
import {
  buildTestImage,
  inProcessListener,
  notified,
  TestServices,
} from '../../apps/swarm-listener/test/integration/helpers.js';

// Manual changes and the resync (issue 10), with the real listener (in this process) following the
// real dockerd and the real proxy resyncing from it every RELOAD_INTERVAL: a manual reconfigure of
// an announced service stays until the service's own labels change in Swarm. Run under
// flock /tmp/flowproxy-swarm.lock (it creates a Swarm service).
const NAME = `fp-manual-${process.pid.toString(36)}`;
const INTERVAL = 300;
const services = new TestServices();
let listener: ListenerHandle;
let proxy: StartedProxy;

interface Json {
  services: Record<string, { destinations: { servicePath: string[] }[] }>;
  manual: string[];
}
const state = async (): Promise<Json> =>
  (await (await fetch(`${proxy.apiUrl}/config?type=json`)).json()) as Json;
const pathOf = async (): Promise<string | undefined> =>
  (await state()).services[NAME]?.destinations[0]?.servicePath[0];

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  const listenerPort = await freePort();
  const apiPort = await freePort();
  proxy = await startProxy({
    apiPort,
    env: { LISTENER_ADDRESS: `http://127.0.0.1:${listenerPort}`, RELOAD_INTERVAL: String(INTERVAL) },
  });
  listener = inProcessListener({
    DF_NOTIFY_CREATE_SERVICE_URL: `http://127.0.0.1:${apiPort}/v1/docker-flow-proxy/reconfigure`,
    DF_NOTIFY_REMOVE_SERVICE_URL: `http://127.0.0.1:${apiPort}/v1/docker-flow-proxy/remove`,
    DF_RETRY_INTERVAL: '0.2',
    API_PORT: String(listenerPort),
  });
  await listener.start();
}, 180_000);

afterAll(async () => {
  await services.removeAll();
  await listener?.stop();
  await proxy?.stop();
}, 60_000);

describe('manual changes and the resync, with the listener running', () => {
  it('a manual reconfigure of an announced service survives resyncs until its labels change', async () => {
    await services.create(NAME, notified({ 'com.df.servicePath': '/from-labels', 'com.df.port': '8080' }));
    await eventually(async () => expect(await pathOf()).toBe('/from-labels'), { timeoutMs: 30000 });
    // Let a few resyncs see the listener's definition.
    await sleep(INTERVAL * 4);
    const r = await fetch(`${proxy.apiUrl}/reconfigure?serviceName=${NAME}&servicePath=/by-hand&port=8080`);
    expect(r.status).toBe(200);
    await sleep(INTERVAL * 6);
    expect(await pathOf()).toBe('/by-hand');
    expect((await state()).manual).toEqual([NAME]);
    // The listener's own definition changes: it wins again.
    await docker('service', 'update', '-d', '--label-add', 'com.df.servicePath=/relabelled', NAME);
    await eventually(async () => expect(await pathOf()).toBe('/relabelled'), { timeoutMs: 30000 });
    await sleep(INTERVAL * 3);
    expect((await state()).manual).toEqual([]);
    expect(await pathOf()).toBe('/relabelled');
  }, 120_000);
});
