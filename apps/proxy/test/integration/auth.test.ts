import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// Basic auth and stats as in the walkthrough, and env vars from secret files.
const sha512 = (pw: string): string =>
  execFileSync('openssl', ['passwd', '-6', '-salt', 'F2eJJA.G', pw], { encoding: 'utf8' }).trim();

let backend: Backend;
let port = 0;
let withUsers: StartedProxy; // USERS + STATS_* from env
let bare: StartedProxy; // nothing set
let fromSecrets: StartedProxy; // USERS (hashed) and STATS_* from dfp_* secrets

const route = async (p: StartedProxy, query: string): Promise<void> => {
  const r = await api(p.apiUrl, `reconfigure?${query}&port=${port}&outboundHostname=127.0.0.6`);
  expect(r.status).toBe(200);
};

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  backend = await startBackend('demo', '127.0.0.6', port);
  const secrets = mkdtempSync(join(tmpdir(), 'flowproxy-secrets-'));
  mkdirSync(secrets, { recursive: true });
  writeFileSync(join(secrets, 'dfp_users_monitoring'), `observer:${sha512('password')}\n`);
  withUsers = await startProxy({
    env: {
      USERS: 'my-user-1:my-pass-1,my-user-2:my-pass-2',
      STATS_USER: 'my-user',
      STATS_PASS: 'my-pass',
      SECRETS_DIR: secrets,
    },
  });
  bare = await startProxy();
  const secrets2 = mkdtempSync(join(tmpdir(), 'flowproxy-secrets-'));
  writeFileSync(join(secrets2, 'dfp_stats_user'), 'secret-user\n');
  writeFileSync(join(secrets2, 'dfp_stats_pass'), 'secret-pass\n');
  writeFileSync(join(secrets2, 'dfp_users'), `admin:${sha512('password')}\n`);
  fromSecrets = await startProxy({
    env: {
      SECRETS_DIR: secrets2,
      STATS_USER: 'env-user',
      STATS_PASS: 'env-pass',
      USERS_PASS_ENCRYPTED: 'true',
    },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([withUsers?.stop(), bare?.stop(), fromSecrets?.stop()]);
  await backend?.close();
});

describe('global USERS', () => {
  it('answers 401 with the upstream realm without credentials, 200 with any listed user', async () => {
    await route(withUsers, 'serviceName=go-demo&servicePath=/demo');
    const denied = await http(`${withUsers.httpUrl}/demo/hello`);
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="defaultRealm"');
    expect((await http(`${withUsers.httpUrl}/demo/hello`, { auth: 'my-user-1:wrong' })).status).toBe(401);
    const ok = await http(`${withUsers.httpUrl}/demo/hello`, { auth: 'my-user-2:my-pass-2' });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('demo GET /demo/hello');
    expect((await http(`${withUsers.httpUrl}/demo/hello`, { auth: 'my-user-1:my-pass-1' })).status).toBe(200);
  });

  it('per-service users replace the global ones for that service only', async () => {
    await route(withUsers, 'serviceName=private&servicePath=/private&users=admin:password');
    expect((await http(`${withUsers.httpUrl}/private/`)).status).toBe(401);
    expect((await http(`${withUsers.httpUrl}/private/`, { auth: 'admin:password' })).status).toBe(200);
    expect((await http(`${withUsers.httpUrl}/private/`, { auth: 'my-user-1:my-pass-1' })).status).toBe(401);
    // The other service keeps the global users.
    expect((await http(`${withUsers.httpUrl}/demo/`, { auth: 'my-user-1:my-pass-1' })).status).toBe(200);
    expect((await http(`${withUsers.httpUrl}/demo/`, { auth: 'admin:password' })).status).toBe(401);
  });

  it('a user listed without a password takes it from USERS', async () => {
    await route(withUsers, 'serviceName=partial&servicePath=/partial&users=my-user-2');
    expect((await http(`${withUsers.httpUrl}/partial/`, { auth: 'my-user-2:my-pass-2' })).status).toBe(200);
    expect((await http(`${withUsers.httpUrl}/partial/`, { auth: 'my-user-1:my-pass-1' })).status).toBe(401);
  });

  it('usersSecret reads dfp_users_<name> (SHA-512 hash, usersPassEncrypted)', async () => {
    await route(
      withUsers,
      'serviceName=monitor&servicePath=/monitor&usersSecret=monitoring&usersPassEncrypted=true',
    );
    expect((await http(`${withUsers.httpUrl}/monitor/`)).status).toBe(401);
    expect((await http(`${withUsers.httpUrl}/monitor/`, { auth: 'observer:password' })).status).toBe(200);
    expect((await http(`${withUsers.httpUrl}/monitor/`, { auth: 'observer:nope' })).status).toBe(401);
    expect(withUsers.log()).toMatch(/crypt\(\) on every request/);
    const missing = await api(
      withUsers.apiUrl,
      `reconfigure?serviceName=m2&servicePath=/m2&port=${port}&usersSecret=absent`,
    );
    expect(missing.status).toBe(400);
    expect((missing.json.errors as { param: string }[])[0]?.param).toBe('usersSecret');
  });

  it('serves stats at STATS_URI on the HTTP port behind STATS_USER/STATS_PASS', async () => {
    expect((await http(`${withUsers.httpUrl}/admin?stats`)).status).toBe(401);
    const ok = await http(`${withUsers.httpUrl}/admin?stats`, { auth: 'my-user:my-pass' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/Statistics Report/);
  });
});

describe('no USERS, no stats credentials', () => {
  it('routes without auth, serves no stats, and protects a service with its own users (SHA-512)', async () => {
    await route(bare, 'serviceName=open&servicePath=/open');
    expect((await http(`${bare.httpUrl}/open/`)).status).toBe(200);
    const stats = await http(`${bare.httpUrl}/admin?stats`, { auth: 'admin:admin' });
    expect(stats.status).not.toBe(200);
    expect(stats.body).not.toMatch(/Statistics Report/);
    await route(
      bare,
      `serviceName=hashed&servicePath=/hashed&usersPassEncrypted=true&users=${encodeURIComponent(`admin:${sha512('password')}`)}`,
    );
    expect((await http(`${bare.httpUrl}/hashed/`)).status).toBe(401);
    expect((await http(`${bare.httpUrl}/hashed/`, { auth: 'admin:password' })).status).toBe(200);
  });
});

describe('env vars from secrets (dfp_<lowercase name> wins over the env var)', () => {
  it('takes STATS_USER, STATS_PASS and USERS from secret files', async () => {
    await route(fromSecrets, 'serviceName=demo&servicePath=/demo');
    expect((await http(`${fromSecrets.httpUrl}/demo/`)).status).toBe(401);
    expect((await http(`${fromSecrets.httpUrl}/demo/`, { auth: 'admin:password' })).status).toBe(200);
    await eventually(async () => {
      expect((await http(`${fromSecrets.httpUrl}/admin?stats`, { auth: 'env-user:env-pass' })).status).toBe(
        401,
      );
      expect(
        (await http(`${fromSecrets.httpUrl}/admin?stats`, { auth: 'secret-user:secret-pass' })).status,
      ).toBe(200);
    });
    expect(fromSecrets.log()).not.toContain('secret-pass');
  });
});

describe('the config endpoint (issue 11: passwords in the open)', () => {
  it('shows no password, no hash and no stats credentials in the text config', async () => {
    await route(withUsers, 'serviceName=own&servicePath=/own&users=svc-user:svc-pass');
    await route(fromSecrets, 'serviceName=demo&servicePath=/demo');
    const plain = (await api(withUsers.apiUrl, 'config')).body;
    expect(plain).toMatch(/userlist/);
    expect(plain).not.toMatch(/my-pass-1|my-pass-2|svc-pass|my-user:my-pass|stats auth '(?!\*\*\*:\*\*\*')/);
    expect(plain).toContain("user svc-user insecure-password '***'");
    const hashed = (await api(fromSecrets.apiUrl, 'config')).body;
    expect(hashed).not.toContain(sha512('password'));
    expect(hashed).not.toMatch(/secret-user|secret-pass/);
  });
});
