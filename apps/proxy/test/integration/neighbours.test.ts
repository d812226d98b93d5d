import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { defaultRuntimeDir } from '../../src/env.js';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Issue 11, "neighbours adopt each other": two proxies on one host with different CONFIG_DIRs and
// ports. Sharing RUNTIME_DIR, the second adopted the first one's HAProxy (and its SIGTERM killed
// it). Now the second is refused while the first lives (lock), refuses to adopt a master of
// another configuration when the first control plane is gone, and the default RUNTIME_DIR is per
// CONFIG_DIR.
const started: StartedProxy[] = [];
const shared = mkdtempSync(join(tmpdir(), 'flowproxy-shared-run-'));
let backend: Backend | undefined;
let backendPort = 0;

/** The HAProxy master of the shared RUNTIME_DIR (startProxy's haproxyPid() reads its own dir). */
const sharedMaster = (): number => Number(readFileSync(join(shared, 'haproxy.pid'), 'utf8').trim());

const start = async (env: Record<string, string>): Promise<StartedProxy> => {
  const p = await startProxy({ env });
  started.push(p);
  return p;
};
const route = async (p: StartedProxy, name: string): Promise<void> => {
  const r = await api(
    p.apiUrl,
    `reconfigure?serviceName=${name}&servicePath=/${name}&port=${backendPort}&outboundHostname=127.0.0.8`,
  );
  expect(r.status).toBe(200);
};

afterAll(async () => {
  for (const p of started) await p.stop();
  // A failed test may leave the shared master without its control plane.
  const leftover = (() => {
    try {
      return sharedMaster();
    } catch {
      return undefined;
    }
  })();
  if (leftover && alive(leftover)) process.kill(leftover, 'SIGKILL');
  await backend?.close();
  rmSync(shared, { recursive: true, force: true });
});

describe('neighbours on one host', () => {
  it('a second control plane on the same RUNTIME_DIR fails fast, naming it; the first keeps serving', async () => {
    [backendPort] = (await freePorts(1)) as [number];
    backend = await startBackend('neighbour', '127.0.0.8', backendPort);
    const first = await start({ RUNTIME_DIR: shared });
    await route(first, 'one');
    const master = sharedMaster();
    expect(alive(master)).toBe(true);
    await expect(start({ RUNTIME_DIR: shared })).rejects.toThrow(/RUNTIME_DIR_LOCKED.*RUNTIME_DIR \S+/);
    expect(sharedMaster()).toBe(master);
    expect((await http(`${first.httpUrl}/one/x`)).status).toBe(200);
  });

  it('with the first control plane gone, its HAProxy (another config) is neither adopted nor stopped', async () => {
    const first = started[0] as StartedProxy;
    const master = sharedMaster();
    await first.kill();
    const second = startProxy({ env: { RUNTIME_DIR: shared } });
    await expect(second).rejects.toThrow(/HAPROXY_FOREIGN_MASTER/);
    expect(alive(master)).toBe(true);
    expect((await http(`${first.httpUrl}/one/x`)).status).toBe(200);
    // The owner comes back and adopts its own master.
    started[0] = await startProxy({ reuse: first, env: { RUNTIME_DIR: shared } });
    expect(sharedMaster()).toBe(master);
    expect(started[0].log()).toMatch(/adopting the running HAProxy master/);
  });

  it('without RUNTIME_DIR, proxies with different CONFIG_DIRs get their own runtime directory and HAProxy', async () => {
    const a = await start({ RUNTIME_DIR: '' });
    const b = await start({ RUNTIME_DIR: '' });
    await route(a, 'alpha');
    await route(b, 'beta');
    expect(defaultRuntimeDir(a.dirs.config)).not.toBe(defaultRuntimeDir(b.dirs.config));
    expect(a.log()).not.toMatch(/adopting/);
    expect(b.log()).not.toMatch(/adopting/);
    expect((await http(`${a.httpUrl}/alpha/`)).status).toBe(200);
    expect((await http(`${b.httpUrl}/beta/`)).status).toBe(200);
    expect((await http(`${a.httpUrl}/beta/`)).status).toBe(503);
    for (const p of [a, b]) {
      await p.stop();
      started.splice(started.indexOf(p), 1);
      rmSync(defaultRuntimeDir(p.dirs.config), { recursive: true, force: true });
    }
  });
});
