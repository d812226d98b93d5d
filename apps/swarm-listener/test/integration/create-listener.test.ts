import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@flowproxy/runtime';
import { docker, ensureSwarm, eventually, freePort } from '@flowproxy/testkit';
import { createListener, type ListenerHandle } from '../../src/app/create-listener.js';
import { loadListenerConfig } from '../../src/env.js';
import { buildTestImage, Recorder, TEST_IMAGE } from './helpers.js';

// The whole listener in this process through its composition root (no `node dist/main.js`),
// against the real dockerd: what a test needs to drive the app end to end without a child process.
const NAME = `fpl-inproc-${process.pid.toString(36)}`;
const CREATE = '/v1/docker-flow-proxy/reconfigure';
const REMOVE = '/v1/docker-flow-proxy/remove';

const rec = new Recorder();
let listener: ListenerHandle;
let apiPort = 0;
const api = (path: string): string => `http://127.0.0.1:${apiPort}/v1/docker-flow-swarm-listener/${path}`;

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  await rec.start();
  apiPort = await freePort();
  const cfg = loadListenerConfig(
    {
      DF_NOTIFY_CREATE_SERVICE_URL: rec.url(CREATE),
      DF_NOTIFY_REMOVE_SERVICE_URL: rec.url(REMOVE),
      DF_RETRY_INTERVAL: '0.1',
      API_PORT: String(apiPort),
    },
    join(tmpdir(), 'no-secrets'),
  );
  listener = createListener(cfg, { logger: createLogger('swarm-listener', { silent: true }) });
}, 120_000);

afterAll(async () => {
  await docker('service', 'rm', NAME).catch(() => undefined);
  await listener?.stop();
  await rec.stop();
}, 60_000);

describe('createListener', () => {
  it('has no side effect until start(): no address', () => {
    expect(listener.address).toBeUndefined();
  });

  it('start() serves the API and notifies a labelled service; its removal too', async () => {
    await listener.start();
    expect(listener.address?.port).toBe(apiPort);
    await eventually(async () => expect((await fetch(api('get-services'))).status).toBe(200), {
      timeoutMs: 15000,
    });
    await docker(
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--endpoint-mode',
      'dnsrr',
      '--name',
      NAME,
      '--label',
      'com.df.notify=true',
      '--label',
      'com.df.servicePath=/inproc',
      '--label',
      'com.df.port=8080',
      TEST_IMAGE,
    );
    await eventually(() => expect(rec.delivered(NAME, CREATE)).toHaveLength(1), { timeoutMs: 20000 });
    const listed = (await (await fetch(api('get-services'))).json()) as Record<string, string>[];
    expect(listed.find((s) => s.serviceName === NAME)).toMatchObject({ servicePath: '/inproc' });
    await docker('service', 'rm', NAME);
    await eventually(() => expect(rec.delivered(NAME, REMOVE)).toHaveLength(1), { timeoutMs: 20000 });
  }, 60_000);

  it('stop() closes the API', async () => {
    await listener.stop();
    await expect(fetch(api('ping'))).rejects.toThrow();
  });
});
