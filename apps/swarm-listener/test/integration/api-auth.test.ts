import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSwarm, eventually } from '@flowproxy/testkit';
import {
  buildTestImage,
  LogDir,
  notified,
  startRecordedListener,
  TestServices,
  type RecordedListener,
} from './helpers.js';

// Issue 11, optional API authentication: with API_TOKEN (here from the dfp_api_token secret) the
// listener's API refuses callers without it (ping aside) and its notifications carry it.
const NAME = `fpl-auth-${process.pid.toString(36)}`;
const TOKEN = 'listener-test-token-7d1f';
const logs = new LogDir('listener-auth');
const services = new TestServices();
let listener: RecordedListener;

const api = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(listener.api(path), { headers });

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  const secrets = logs.file('secrets');
  mkdirSync(secrets);
  writeFileSync(join(secrets, 'dfp_api_token'), `${TOKEN}\n`);
  // get-services needs the token: ping tells it is up.
  listener = await startRecordedListener({
    env: { SECRETS_DIR: secrets },
    logFile: logs.file('listener.log'),
    readyOn: 'ping',
  });
}, 120_000);

afterAll(async () => {
  await services.removeAll();
  await listener?.stop();
  logs.remove();
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
    await services.create(NAME, notified({ 'com.df.servicePath': '/auth', 'com.df.port': '8080' }));
    await eventually(async () => expect(listener.rec.for(NAME).length).toBeGreaterThan(0), {
      timeoutMs: 60000,
    });
    expect(listener.rec.for(NAME).map((r) => r.authorization)).toEqual(
      listener.rec.for(NAME).map(() => `Bearer ${TOKEN}`),
    );
  }, 90_000);
});
