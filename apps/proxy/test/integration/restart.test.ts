import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// The control plane dies and comes back while HAProxy keeps serving: state from CONFIG_DIR,
// the running HAProxy master adopted (not a second one started).
let proxy: StartedProxy;
let backend: Backend;
let port = 0;

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  backend = await startBackend('keep', '127.0.0.5', port);
  proxy = await startProxy();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('control-plane restart', () => {
  it('keeps serving while the control plane is down, then adopts HAProxy with the same state', async () => {
    for (const name of ['keep-a', 'keep-b']) {
      const r = await api(
        proxy.apiUrl,
        `reconfigure?serviceName=${name}&servicePath=/${name}&port=${port}&outboundHostname=127.0.0.5&users=u:p`,
      );
      expect(r.status).toBe(200);
    }
    const before = (await api(proxy.apiUrl, 'config?type=json')).json;
    const master = proxy.haproxyPid();
    expect(master).toBeDefined();
    // state.json is written right after the answer (deferredSaver), not before it.
    await eventually(() =>
      expect(readFileSync(join(proxy!.dirs.config, 'state.json'), 'utf8')).toContain('keep-b'),
    );

    await proxy.kill();
    expect(alive(master as number)).toBe(true);
    // Still routing with nobody at the controls.
    for (let i = 0; i < 5; i++)
      expect((await http(`${proxy.httpUrl}/keep-a/x`, { auth: 'u:p' })).status).toBe(200);

    proxy = await startProxy({ reuse: proxy });
    expect(proxy.haproxyPid()).toBe(master);
    const after = await api(proxy.apiUrl, 'config?type=json');
    expect(after.json.hash).toBe(before.hash);
    expect(Object.keys(after.json.services as object).sort()).toEqual(['keep-a', 'keep-b']);
    expect(proxy.log()).toMatch(/adopting the running HAProxy master/);
    // Reloads go to the adopted master and the new route is live when the call answers.
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=keep-c&servicePath=/keep-c&port=${port}&outboundHostname=127.0.0.5`,
    );
    expect(r.status).toBe(200);
    expect((await http(`${proxy.httpUrl}/keep-c/`)).status).toBe(200);
    expect((await http(`${proxy.httpUrl}/keep-b/`, { auth: 'u:p' })).status).toBe(200);
    expect(proxy.haproxyPid()).toBe(master);
  }, 120_000);

  it('restarts HAProxy when its master dies', async () => {
    const master = proxy.haproxyPid() as number;
    process.kill(master, 'SIGKILL');
    await eventually(
      async () => {
        const now = proxy.haproxyPid();
        expect(now).not.toBe(master);
        expect(alive(now as number)).toBe(true);
        expect((await http(`${proxy.httpUrl}/keep-c/`)).status).toBe(200);
      },
      { timeoutMs: 10000 },
    );
  }, 120_000);
});
