import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { startFakeListener, type FakeListener } from './fake-listener.js';
import { api, http, promMetrics, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Issue 11, optional API authentication: with API_USER/API_PASS and API_TOKEN (here from the
// dfp_api_* secrets) every endpoint but ping and healthy wants them; the proxy sends them to the
// listener (get-services, notify-services) and to its peers (distribute).
const TOKEN = 'proxy-test-token-0c9e';
const BEARER = { Authorization: `Bearer ${TOKEN}` };
const basic = (s: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(s).toString('base64')}`,
});
let backend: Backend;
let port = 0;
let listener: FakeListener;
let proxy: StartedProxy;

beforeAll(async () => {
  const [backendPort, listenerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  port = backendPort;
  backend = await startBackend('authed', '127.0.0.12', port);
  listener = await startFakeListener(listenerPort);
  listener.requireAuthorization = BEARER.Authorization;
  listener.services = [
    { serviceName: 'synced', servicePath: '/synced', port: String(port), outboundHostname: '127.0.0.12' },
  ];
  const secrets = mkdtempSync(join(tmpdir(), 'flowproxy-secrets-'));
  writeFileSync(join(secrets, 'dfp_api_user'), 'ops\n');
  writeFileSync(join(secrets, 'dfp_api_pass'), 'ops-pass\n');
  writeFileSync(join(secrets, 'dfp_api_token'), `${TOKEN}\n`);
  proxy = await startProxy({
    apiPort,
    env: {
      SECRETS_DIR: secrets,
      LISTENER_ADDRESS: `127.0.0.1:${listenerPort}`,
      RELOAD_INTERVAL: '300',
      PEERS: `127.0.0.1:${apiPort}`,
      USERS: 'site-user:site-pass',
    },
  });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await listener?.close();
  await backend?.close();
});

describe('proxy API authentication', () => {
  it('refuses every endpoint but ping and healthy without credentials: 401 UNAUTHORIZED, WWW-Authenticate, state header', async () => {
    for (const path of [
      'reconfigure?serviceName=x&servicePath=/x&port=1',
      'remove?serviceName=synced',
      'config',
      'config?type=json',
      'reload',
      'successfulinitreload',
      'ready',
      'metrics',
      'certs',
      'no-such-endpoint',
    ]) {
      const r = await api(proxy.apiUrl, path);
      expect([path, r.status]).toEqual([path, 401]);
      expect(r.json.code).toBe('UNAUTHORIZED');
      expect(r.headers['www-authenticate']).toMatch(/Basic realm="flowproxy", Bearer/);
      expect(r.headers['x-flowproxy-state']).toBeDefined();
    }
    expect((await promMetrics(proxy.apiUrl)).status).toBe(401);
    for (const h of [{ Authorization: 'Bearer nope' }, basic('ops:wrong'), basic('site-user:site-pass')])
      expect((await api(proxy.apiUrl, 'config', { headers: h })).status).toBe(401);
    expect((await api(proxy.apiUrl, 'ping')).status).toBe(200);
    // healthy is open (never 401).
    await eventually(async () => expect((await api(proxy.apiUrl, 'healthy')).status).toBe(200));
    // Nothing was changed by the refused calls.
    expect((await http(`${proxy.httpUrl}/x/`)).status).toBe(503);
  });

  it('sends the token to the listener: the resync needs it', async () => {
    await eventually(async () =>
      expect((await api(proxy.apiUrl, 'ready', { headers: BEARER })).status).toBe(200),
    );
    expect((await http(`${proxy.httpUrl}/synced/`, { auth: 'site-user:site-pass' })).status).toBe(200);
    expect(listener.authorizations.every((a) => a === BEARER.Authorization)).toBe(true);
    const r = await api(proxy.apiUrl, 'reload?fromListener=true', { headers: basic('ops:ops-pass') });
    expect(r.status).toBe(200);
    expect(listener.notifyCalls).toBe(1);
  });

  it('accepts basic or bearer, and distributes to its peers with them', async () => {
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=dist&servicePath=/dist&port=${port}&outboundHostname=127.0.0.12&distribute=true`,
      { headers: basic('ops:ops-pass') },
    );
    expect(r.status).toBe(200);
    expect(r.json.Message).toBe('Distributed to all instances');
    expect((await http(`${proxy.httpUrl}/dist/`, { auth: 'site-user:site-pass' })).status).toBe(200);
    const cfg = await api(proxy.apiUrl, 'config', { headers: BEARER });
    expect(cfg.status).toBe(200);
    expect(cfg.body).not.toContain('site-pass');
    expect(proxy.log()).not.toMatch(new RegExp(`${TOKEN}|ops-pass`));
  });
});
