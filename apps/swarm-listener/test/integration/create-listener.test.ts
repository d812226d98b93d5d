import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_NOTIFY_LABEL } from '@flowproxy/protocol';
import { docker, ensureSwarm, eventually, freePort } from '@flowproxy/testkit';
import type { ListenerHandle } from '../../src/app/create-listener.js';
import {
  buildTestImage,
  CREATE,
  inProcessListener,
  labelArgs,
  Recorder,
  REMOVE,
  TestServices,
} from './helpers.js';

// The whole listener in this process through its composition root (no `node dist/main.js`),
// against the real dockerd: what a test needs to drive the app end to end without a child process.
// It is also the one real-Swarm check of the default notify label (DF_NOTIFY_LABEL unset, so
// com.df.notify), which every other test leaves to the demo: a running `npm run demo` sees this
// service too, so its path is one no demo uses, and it is gone when the test ends.
const RUN = process.pid.toString(36);
const NAME = `fpl-inproc-${RUN}`;
const PATH = `/it-default-label-${RUN}`;

const rec = new Recorder();
const services = new TestServices();
let listener: ListenerHandle;
let apiPort = 0;
const api = (path: string): string => `http://127.0.0.1:${apiPort}/v1/docker-flow-swarm-listener/${path}`;

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  await rec.start();
  apiPort = await freePort();
  listener = inProcessListener({
    DF_NOTIFY_LABEL: undefined,
    DF_NOTIFY_CREATE_SERVICE_URL: rec.url(CREATE),
    DF_NOTIFY_REMOVE_SERVICE_URL: rec.url(REMOVE),
    API_PORT: String(apiPort),
  });
}, 120_000);

afterAll(async () => {
  await services.removeAll();
  await listener?.stop();
  await rec.stop();
}, 60_000);

describe('createListener', () => {
  it('has no side effect until start(): no address', () => {
    expect(listener.address).toBeUndefined();
  });

  it('start() serves the API and notifies a service labelled com.df.notify=true (the default); its removal too', async () => {
    await listener.start();
    expect(listener.address?.port).toBe(apiPort);
    await eventually(async () => expect((await fetch(api('get-services'))).status).toBe(200), {
      timeoutMs: 15000,
    });
    await services.create(
      NAME,
      labelArgs({ [DEFAULT_NOTIFY_LABEL]: 'true', 'com.df.servicePath': PATH, 'com.df.port': '8080' }),
    );
    await eventually(() => expect(rec.delivered(NAME, CREATE)).toHaveLength(1), { timeoutMs: 20000 });
    const listed = (await (await fetch(api('get-services'))).json()) as Record<string, string>[];
    expect(listed.find((s) => s.serviceName === NAME)).toMatchObject({ servicePath: PATH });
    await docker('service', 'rm', NAME);
    await eventually(() => expect(rec.delivered(NAME, REMOVE)).toHaveLength(1), { timeoutMs: 20000 });
  }, 60_000);

  it('stop() closes the API', async () => {
    await listener.stop();
    await expect(fetch(api('ping'))).rejects.toThrow();
  });
});
