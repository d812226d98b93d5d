import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Issue 11, "slow recovery paths": a crashed HAProxy worker makes the master exit (2.6's
// exit-on-failure); the control plane starts it again. That took about 0.25 s as the master's
// parent and about 2 s after adopting it (polled once a second). Both must stay under a second.
let proxy: StartedProxy;
let backend: Backend;
let port = 0;

const workers = (master: number): number[] =>
  readFileSync(`/proc/${master}/task/${master}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter((x) => x !== '')
    .map(Number);

/** Seconds since boot, the clock of /proc/<pid>/stat start times. */
const uptime = (): number => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const CLOCK_TICKS = 100; // USER_HZ on Linux
const startedAt = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) / CLOCK_TICKS;
};

/**
 * Kills the current worker, then measures the control plane's reaction (crash -> new HAProxy
 * master process started, from /proc start times) and the whole recovery (crash -> the route
 * answers 200 from the new master). The reaction is what the control plane controls; the rest is
 * HAProxy parsing its configuration, which a loaded machine slows down.
 */
async function crashAndRecover(): Promise<{ reactionMs: number; recoveryMs: number }> {
  const master = proxy.haproxyPid() as number;
  const [worker] = workers(master);
  expect(worker).toBeDefined();
  const t0 = Date.now();
  const boot0 = uptime();
  process.kill(worker as number, 'SIGKILL');
  for (;;) {
    const r = await http(`${proxy.httpUrl}/crash/`, { timeoutMs: 300 }).catch(() => undefined);
    const now = proxy.haproxyPid();
    if (r?.status === 200 && now !== undefined && now !== master) {
      const recoveryMs = Date.now() - t0;
      return { reactionMs: Math.max(0, Math.round((startedAt(now) - boot0) * 1000)), recoveryMs };
    }
    if (Date.now() - t0 > 20000) throw new Error('HAProxy did not come back within 20 s');
    await new Promise((res) => setTimeout(res, 10));
  }
}

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  backend = await startBackend('crash', '127.0.0.9', port);
  proxy = await startProxy();
  const r = await api(
    proxy.apiUrl,
    `reconfigure?serviceName=crash&servicePath=/crash&port=${port}&outboundHostname=127.0.0.9`,
  );
  expect(r.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('a crashed HAProxy worker is recovered in under a second', () => {
  // Reaction bound: generous against scheduling noise, far below the old 1 s poll + 0.2 s delay.
  const REACTION_MS = 500;
  it('when the control plane started HAProxy (its parent)', async () => {
    const t = await crashAndRecover();
    process.stdout.write(`worker crash, HAProxy a child: ${JSON.stringify(t)}\n`);
    expect(t.reactionMs).toBeLessThan(REACTION_MS);
    expect(t.recoveryMs).toBeLessThan(10000);
  });

  it('when the control plane adopted HAProxy from a previous control plane', async () => {
    await proxy.kill();
    proxy = await startProxy({ reuse: proxy });
    expect(proxy.log()).toMatch(/adopting the running HAProxy master/);
    // After the first crash the new master is a child again: adopt once per round.
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        await proxy.kill();
        proxy = await startProxy({ reuse: proxy });
      }
      const t = await crashAndRecover();
      process.stdout.write(`worker crash, HAProxy adopted: ${JSON.stringify(t)}\n`);
      expect(t.reactionMs).toBeLessThan(REACTION_MS);
      expect(t.recoveryMs).toBeLessThan(10000);
    }
  }, 120000);
});
