// The status page of a 3-replica proxy in the real Swarm, in headless Chromium (Debian's chromium
// driven by playwright-core), and one label change followed by its id through both apps' logs.
//
// Host-mode ports cannot give three replicas on one node, so this file runs its own services with
// no published port, and the browser reaches one replica on its docker_gwbridge address (every
// Swarm task on an overlay network has one, reachable from the host).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually, REPO_ROOT } from '@flowproxy/testkit';
import { dk } from './support/exec.js';
import { buildImages, containersOf, exists, imageRef, runningTasks, serviceLogs } from './support/swarm.js';

const N = {
  network: 'fpstatus-net',
  proxy: 'fpstatus-proxy',
  listener: 'fpstatus-listener',
  web: 'fpstatus-web',
  evil: 'fpstatus-evil',
  // Its own notify label: with com.df.notify a running `npm run demo` would route fpstatus-web and
  // fpstatus-evil, and this file's listener would send the demo's services to its proxies.
  notifyLabel: 'org.flowproxy.e2e.status.notify',
} as const;
const SCREENSHOT = join(REPO_ROOT, 'docs', 'status.png');
const STEP = 180_000;
// A label writer is a possible attacker: these paths are valid routes and must stay text on the page.
const HOSTILE_PATHS =
  '/fpstatus-evil<script>window.__pwned=1</script>,/fpstatus-evil2<img/src/onerror=window.__pwned=2>';

let base = '';
let browser: Browser;
let page: Page;

interface Snapshot {
  node: { hash: string };
  routes: { serviceName: string; index: number; paths: string[]; servers: { addr: string; up: boolean }[] }[];
  cluster: {
    consistent: boolean;
    peers: { address: string; differs: boolean; node?: { hash: string; ready: boolean } }[];
  };
  changes: { serviceName?: string; requestId?: string }[];
}

async function status(): Promise<Snapshot> {
  const res = await fetch(`${base}/v1/docker-flow-proxy/status?type=json`, {
    signal: AbortSignal.timeout(5000),
  });
  if (res.status !== 200) throw new Error(`status answered ${res.status}`);
  return (await res.json()) as Snapshot;
}

async function removeAll(): Promise<void> {
  for (const s of [N.web, N.evil, N.proxy, N.listener])
    if (await exists('service', s))
      // Gone between the two calls is as good as removed.
      await dk('service', 'rm', s).catch((e: unknown) => {
        if (!/not found/i.test(String(e))) throw e;
      });
  await eventually(
    async () => {
      for (const s of [N.web, N.evil, N.proxy, N.listener])
        if ((await containersOf(s)).length > 0) throw new Error(`${s} containers still running`);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  if (await exists('network', N.network))
    await eventually(() => dk('network', 'rm', N.network), { timeoutMs: 30_000, intervalMs: 500 });
}

/** The docker_gwbridge address of a running container (full or short id). */
async function gwbridgeAddress(container: string): Promise<string> {
  const containers = JSON.parse(
    await dk('network', 'inspect', 'docker_gwbridge', '-f', '{{json .Containers}}'),
  ) as Record<string, { IPv4Address: string }>;
  const hit = Object.entries(containers).find(([id]) => id.startsWith(container));
  if (!hit) throw new Error(`${container} is not on docker_gwbridge`);
  return hit[1].IPv4Address.replace(/\/[0-9]+$/, '');
}

const svc = (
  name: string,
  labels: Record<string, string>,
  image: string,
  replicas: number,
): Promise<string> =>
  dk(
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    name,
    '--network',
    N.network,
    '--endpoint-mode',
    'dnsrr',
    '--replicas',
    String(replicas),
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    image,
  );

beforeAll(async () => {
  await removeAll();
  await buildImages();
  await dk('network', 'create', '--driver', 'overlay', '--attachable', N.network);
  await dk(
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    N.listener,
    '--network',
    N.network,
    '--endpoint-mode',
    'dnsrr',
    '--constraint',
    'node.role==manager',
    // The images' `node -e fetch(...)` healthchecks time out on a loaded 2-core machine and Swarm
    // then restarts the task; readiness is checked below through the status JSON instead.
    '--no-healthcheck',
    '--mount',
    'type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock',
    '--env',
    `DF_NOTIFY_LABEL=${N.notifyLabel}`,
    '--env',
    `DF_NOTIFY_CREATE_SERVICE_URL=http://${N.proxy}:8080/v1/docker-flow-proxy/reconfigure`,
    '--env',
    `DF_NOTIFY_REMOVE_SERVICE_URL=http://${N.proxy}:8080/v1/docker-flow-proxy/remove`,
    await imageRef('swarm-listener'),
  );
  await dk(
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    N.proxy,
    '--network',
    N.network,
    '--endpoint-mode',
    'dnsrr',
    '--replicas',
    '3',
    '--no-healthcheck',
    '--env',
    `LISTENER_ADDRESS=${N.listener}`,
    '--env',
    `SERVICE_NAME=${N.proxy}`,
    // unprivileged HTTP port: nothing is published, only the API (8080) is used
    '--env',
    'DEFAULT_PORTS=8000',
    await imageRef('proxy'),
  );
  await eventually(
    async () => {
      if ((await runningTasks(N.listener)).length !== 1) throw new Error('listener not running yet');
      if ((await runningTasks(N.proxy)).length !== 3) throw new Error('3 proxy replicas not running yet');
    },
    { timeoutMs: 150_000, intervalMs: 500 },
  );
  const demo = await imageRef('demo');
  await svc(
    N.web,
    { [N.notifyLabel]: 'true', 'com.df.servicePath': '/fpstatus', 'com.df.port': '8080' },
    demo,
    2,
  );
  await svc(
    N.evil,
    { [N.notifyLabel]: 'true', 'com.df.servicePath': HOSTILE_PATHS, 'com.df.port': '8080' },
    demo,
    1,
  );
  const [one] = await containersOf(N.proxy);
  if (!one) throw new Error('no proxy container on this node');
  base = `http://${await gwbridgeAddress(one)}:8080`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await removeAll();
}, 120_000);

describe('status page in a 3-replica Swarm, in Chromium', () => {
  it(
    'shows the routes and servers the API reports, and all three replicas in sync',
    async () => {
      // every replica has both services, with their tasks resolved and up
      await eventually(
        async () => {
          const s = await status();
          const web = s.routes.find((r) => r.serviceName === N.web);
          expect(web?.servers.filter((x) => x.up)).toHaveLength(2);
          expect(s.routes.filter((r) => r.serviceName === N.evil)).toHaveLength(1);
          expect(s.cluster.peers).toHaveLength(3);
          expect(s.cluster.peers.every((p) => p.node?.ready === true)).toBe(true);
          expect(s.cluster.consistent).toBe(true);
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      const res = await page.goto(`${base}/`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      const api = await status();

      for (const r of api.routes) {
        const row = page.locator(`tr.route[data-service="${r.serviceName}"][data-index="${r.index}"]`);
        await expect(row.count()).resolves.toBe(1);
        expect(await row.locator('td.c-paths code').allTextContents()).toEqual(r.paths);
        const addrs = await row
          .locator('li.server')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-addr')));
        expect(addrs.sort()).toEqual(r.servers.map((x) => x.addr).sort());
      }
      // the hostile paths are shown as text; nothing of theirs became an element or ran
      const evil = page.locator(`tr.route[data-service="${N.evil}"] td.c-paths`);
      expect(await evil.textContent()).toContain('<script>window.__pwned=1</script>');
      expect(await evil.textContent()).toContain('<img/src/onerror=window.__pwned=2>');
      expect(
        await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
      ).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(
        await page.locator('script').evaluateAll((els) => els.map((e) => e.getAttribute('src'))),
      ).toEqual(['/status.js']);

      const peers = page.locator('#cluster tr.peer');
      await expect(peers.count()).resolves.toBe(3);
      expect(await page.locator('#cluster tr.peer.differs').count()).toBe(0);
      const hashes = await peers.evaluateAll((els) => els.map((e) => e.getAttribute('data-hash')));
      expect(new Set(hashes)).toEqual(new Set([api.node.hash]));
      expect(await page.locator('#cluster tr.peer.self').count()).toBe(1);
      expect(errors).toEqual([]);
    },
    STEP,
  );

  it(
    'refreshes itself after a label change, which both apps log under one id',
    async () => {
      await dk('service', 'update', '-d', '--label-add', 'com.df.servicePath=/fpstatus,/fpstatus-v2', N.web);
      // no reload: the page's own script brings the new path in
      const paths = page.locator(`tr.route[data-service="${N.web}"] td.c-paths`);
      await eventually(async () => expect(await paths.textContent()).toContain('/fpstatus-v2'), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // the listener logged the notification with its id ...
      let id = '';
      await eventually(
        async () => {
          const sent = (await serviceLogs(N.listener))
            .split('\n')
            .filter((l) => l.includes('Sending service created notification') && l.includes('fpstatus-v2'));
          const m = /"requestId":"([^"]+)"/.exec(sent.at(-1) ?? '');
          if (!m?.[1]) throw new Error('no notification with the new path in the listener logs');
          id = m[1];
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      // ... and every proxy replica logged the reconfigure and what applied it under it: a reload, or
      // (a path change of an existing service) the runtime API without a reload
      await eventually(
        async () => {
          const lines = (await serviceLogs(N.proxy))
            .split('\n')
            .filter((l) => l.includes(id))
            .map(
              (l) =>
                JSON.parse(l.slice(l.indexOf('{'))) as {
                  event?: string;
                  requestId?: string;
                  requestIds?: string[];
                },
            );
          expect(
            lines.filter((l) => l.event === 'reconfigure' && l.requestId === id).length,
          ).toBeGreaterThanOrEqual(3);
          const applied = (l: { event?: string }): boolean => l.event === 'reload' || l.event === 'runtime';
          expect(lines.filter((l) => applied(l) && l.requestIds?.includes(id)).length).toBeGreaterThanOrEqual(
            3,
          );
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      // and the page lists the change with that id
      await eventually(
        async () => expect(await page.locator('#changes td.c-request').allTextContents()).toContain(id),
        {
          timeoutMs: 30_000,
          intervalMs: 500,
        },
      );
    },
    STEP,
  );
});
