import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, ensureSwarm, eventually, freePort, type Started } from '@flowproxy/testkit';
import { buildTestImage, Recorder, startListener, TEST_IMAGE } from './helpers.js';

// Issue 11, optional API authentication: with API_TOKEN (here from the dfp_api_token secret) the
// listener's API refuses callers without it (ping aside) and its notifications carry it.
const NAME = `fpl-auth-${process.pid.toString(36)}`;
const TOKEN = 'listener-test-token-7d1f';
const rec = new Recorder();
let listener: Started;
let apiPort: number;
let dir: string;

const api = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`http://127.0.0.1:${apiPort}/v1/docker-flow-swarm-listener/${path}`, { headers });

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  await rec.start();
  apiPort = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'listener-auth-'));
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  writeFileSync(join(secrets, 'dfp_api_token'), `${TOKEN}\n`);
  listener = startListener(
    {
      DF_NOTIFY_CREATE_SERVICE_URL: rec.url('/v1/docker-flow-proxy/reconfigure'),
      DF_NOTIFY_REMOVE_SERVICE_URL: rec.url('/v1/docker-flow-proxy/remove'),
      DF_RETRY_INTERVAL: '0.1',
      API_PORT: String(apiPort),
      SECRETS_DIR: secrets,
    },
    join(dir, 'listener.log'),
  );
  await eventually(async () => expect((await api('ping')).status).toBe(200), { timeoutMs: 15000 });
}, 120_000);

afterAll(async () => {
  await docker('service', 'rm', NAME).catch(() => undefined);
  await listener?.stop();
  await rec.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('listener API authentication', () => {
  it('refuses get-services without the token (401, WWW-Authenticate), answers with it; ping stays open', async () => {
    const refused = await api('get-services');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(((await refused.json()) as { code: string }).code).toBe('UNAUTHORIZED');
    expect((await api('get-services', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await api('metrics')).status).toBe(401);
    await eventually(async () =>
      expect((await api('get-services', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200),
    );
    expect((await api('ping')).status).toBe(200);
  });

  it('sends the token with its notifications', async () => {
    await docker(
      'service',
      'create',
      '--quiet',
      '--detach',
      '--name',
      NAME,
      '--label',
      'com.df.notify=true',
      '--label',
      'com.df.servicePath=/auth',
      '--label',
      'com.df.port=8080',
      TEST_IMAGE,
    );
    await eventually(async () => expect(rec.for(NAME).length).toBeGreaterThan(0), { timeoutMs: 60000 });
    expect(rec.for(NAME).map((r) => r.authorization)).toEqual(rec.for(NAME).map(() => `Bearer ${TOKEN}`));
  }, 90_000);
});
