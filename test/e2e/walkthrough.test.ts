// The seed walkthrough (../shared/seed), every step in order, against the real stack from
// docker-compose.yml deployed in the real Swarm. Steps share one stack and build on each other
// like the walkthrough does, so they run in this order only (jest runs a file's tests in order).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { eventually, freePorts } from '@flowproxy/testkit';
import { get, redisPing, type HttpResult } from './support/http.js';
import { dk, run } from './support/exec.js';
import {
  E2E,
  buildImages,
  containersOf,
  createService,
  deployStack,
  fetchInside,
  imageRef,
  removeService,
  runningTasks,
  serviceLogs,
  teardown,
  updateService,
} from './support/swarm.js';

const HELLO = 'hello, world!\n';
const ROUTE_TIMEOUT = { timeoutMs: 60_000, intervalMs: 50 };
const STEP_TIMEOUT = 180_000;

let http = 0;
let https = 0;
let redisPort = 0;
let demoImage = '';

// The walkthrough's com.df.notify=true, under the e2e's own notify label (see E2E.notifyLabel).
const demoLabels = (extra: Record<string, string> = {}): Record<string, string> => ({
  [E2E.notifyLabel]: 'true',
  'com.df.servicePath': '/demo',
  'com.df.port': '8080',
  ...extra,
});

/** True when the answer came from a demo task (the proxy's own answers have no X-Served-By). */
const fromDemo = (r: HttpResult): boolean => typeof r.headers['x-served-by'] === 'string';

async function expectHello(path: string, opts: { host?: string; auth?: string } = {}): Promise<HttpResult> {
  const r = await get(http, path, opts);
  expect(r.status).toBe(200);
  expect(r.body).toBe(HELLO);
  expect(fromDemo(r)).toBe(true);
  return r;
}

async function expectNotRouted(path: string, opts: { host?: string } = {}): Promise<void> {
  const r = await get(http, path, opts);
  expect(fromDemo(r)).toBe(false);
  expect(r.status).toBeGreaterThanOrEqual(400);
}

async function expectStatus(path: string, status: number, auth?: string): Promise<void> {
  const r = await get(http, path, auth ? { auth } : {});
  expect(r.status).toBe(status);
}

/**
 * Creates the demo service and waits until `path` answers through the proxy; logs how long
 * "service created -> route 200" and "first task running -> route 200" took (for the bench).
 */
async function createDemoAndWait(
  what: string,
  labels: Record<string, string>,
  path: string,
  extra: string[] = [],
  auth?: string,
): Promise<void> {
  const t0 = Date.now();
  await createService(E2E.demo, labels, demoImage, { flags: extra });
  await eventually(() => expectHello(path, auth ? { auth } : {}), ROUTE_TIMEOUT);
  const routed = Date.now();
  const tasks = await runningTasks(E2E.demo);
  const runningSince = tasks.length
    ? Math.min(
        ...(await Promise.all(
          tasks.map(async (t) => Date.parse(await dk('inspect', '-f', '{{.Status.Timestamp}}', t))),
        )),
      )
    : routed;
  console.log(
    `e2e-timing ${what}: service create -> ${path} 200 in ${routed - t0} ms; first task running -> 200 in ${routed - runningSince} ms`,
  );
}

beforeAll(async () => {
  // Leftovers of an aborted earlier run. The demo (`npm run demo`) may be running: the e2e has its
  // own stack, network, ports and notify label, so neither sees the other's services.
  await teardown();
  await buildImages();
  demoImage = await imageRef('demo');
  [http, https, redisPort] = (await freePorts(3)) as [number, number, number];
  await deployStack({ http, https });
  await eventually(
    async () => {
      for (const s of [E2E.proxy, E2E.listener]) {
        if ((await runningTasks(s)).length !== 1) throw new Error(`${s} not running yet`);
      }
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
}, 240_000);

afterAll(async () => {
  await teardown();
}, 120_000);

describe('the seed walkthrough in a real Swarm', () => {
  it(
    '1. a labelled demo service is routed: /demo/hello -> 200 hello, world!',
    async () => {
      await createDemoAndWait('step 1 (first service)', demoLabels(), '/demo/hello');
      const r = await expectHello('/demo/hello');
      expect(r.headers['content-length']).toBe('14');
      // The demo answers 404 for unknown paths under /demo: the whole prefix is routed.
      const other = await get(http, '/demo/other');
      expect(other.status).toBe(404);
      expect(fromDemo(other)).toBe(true);
    },
    STEP_TIMEOUT,
  );

  it(
    '2. scaled to 3, requests are spread over the 3 tasks',
    async () => {
      await dk('service', 'scale', '-d', `${E2E.demo}=3`);
      await eventually(
        async () => {
          const seen = new Set<string>();
          for (let i = 0; i < 30; i++)
            seen.add(String((await expectHello('/demo/hello')).headers['x-served-by']));
          expect(seen.size).toBe(3);
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    },
    STEP_TIMEOUT,
  );

  it(
    '3. servicePath as a list of two paths, then serviceDomain with a * wildcard',
    async () => {
      await dk(
        'service',
        'update',
        '-d',
        '--label-add',
        'com.df.servicePath=/demo/hello,/demo/person',
        E2E.demo,
      );
      await eventually(async () => {
        await expectNotRouted('/demo/other');
        const person = await get(http, '/demo/person');
        expect(person.status).toBe(200);
        expect(JSON.parse(person.body)).toMatchObject({ name: expect.any(String) });
        await expectHello('/demo/hello');
      }, ROUTE_TIMEOUT);

      await dk('service', 'update', '-d', '--label-add', 'com.df.serviceDomain=*.example.com', E2E.demo);
      await eventually(async () => {
        await expectNotRouted('/demo/hello', { host: 'localhost' });
        await expectHello('/demo/hello', { host: 'app.example.com' });
        const person = await get(http, '/demo/person', { host: 'api.v2.example.com' });
        expect(person.status).toBe(200);
        expect(fromDemo(person)).toBe(true);
        await expectNotRouted('/demo/hello', { host: 'example.org' });
      }, ROUTE_TIMEOUT);
    },
    STEP_TIMEOUT,
  );

  it(
    '4. removing the service removes its route, and the listener logs the remove notification',
    async () => {
      await removeService(E2E.demo);
      await eventually(() => expectNotRouted('/demo/hello', { host: 'app.example.com' }), ROUTE_TIMEOUT);
      await eventually(async () => {
        const lines = (await serviceLogs(E2E.listener)).split('\n');
        expect(lines.some((l) => /remove/i.test(l) && l.includes(E2E.demo))).toBe(true);
      }, ROUTE_TIMEOUT);
    },
    STEP_TIMEOUT,
  );

  it(
    '5. the proxy scaled to 3: every replica routes after its resync, and a later change reaches all three',
    async () => {
      await createDemoAndWait('step 5 (recreated, 3 replicas)', demoLabels(), '/demo/hello', [
        '--replicas',
        '3',
      ]);
      // Three replicas cannot share host ports on one node: unpublish them and check each replica
      // from inside (its own container, which is on the overlay network).
      // (--publish-rm matches the mode too: a bare port only removes ingress-mode ports.)
      await updateService(
        E2E.proxy,
        3,
        '--publish-rm',
        `mode=host,target=80,published=${http}`,
        '--publish-rm',
        `mode=host,target=443,published=${https}`,
        '--replicas',
        '3',
      );
      const replicas = await containersOf(E2E.proxy);
      expect(replicas).toHaveLength(3);
      const onEvery = (
        path: string,
        check: (r: { status: number; servedBy: string | null }) => void,
      ): Promise<void> =>
        eventually(async () => {
          for (const c of replicas) check(await fetchInside(c, `http://127.0.0.1${path}`));
        }, ROUTE_TIMEOUT);

      await onEvery('/demo/hello', (r) => {
        expect(r.status).toBe(200);
        expect(r.servedBy).toBeTruthy();
      });
      // The notification reaches one replica (dnsrr picks one) which forwards it to the others.
      await dk('service', 'update', '-d', '--label-add', 'com.df.servicePath=/demo/person', E2E.demo);
      await onEvery('/demo/hello', (r) => expect(r.servedBy).toBeNull());
      await onEvery('/demo/person', (r) => expect(r.status).toBe(200));

      await dk('service', 'update', '-d', '--label-add', 'com.df.servicePath=/demo', E2E.demo);
      await updateService(
        E2E.proxy,
        1,
        '--replicas',
        '1',
        '--publish-add',
        `mode=host,target=80,published=${http}`,
        '--publish-add',
        `mode=host,target=443,published=${https}`,
      );
      await eventually(() => expectHello('/demo/hello'), ROUTE_TIMEOUT);
    },
    STEP_TIMEOUT,
  );

  it(
    '6. stats are off by default; with dfp_stats_user/dfp_stats_pass secrets: 401 without, 200 with credentials',
    async () => {
      const off = await get(http, '/admin?stats');
      expect(off.status).not.toBe(200);
      expect(off.status).not.toBe(401);
      // Like the walkthrough's `echo ... | docker secret create`: the trailing newline is not part of it.
      await run('docker', ['secret', 'create', 'fpe2e_stats_user', '-'], { input: 'secret-user\n' });
      await run('docker', ['secret', 'create', 'fpe2e_stats_pass', '-'], { input: 'secret-pass\n' });
      await updateService(
        E2E.proxy,
        1,
        '--secret-add',
        'source=fpe2e_stats_user,target=dfp_stats_user',
        '--secret-add',
        'source=fpe2e_stats_pass,target=dfp_stats_pass',
      );
      await eventually(async () => {
        const anon = await get(http, '/admin?stats');
        expect(anon.status).toBe(401);
        expect(anon.headers['www-authenticate']).toMatch(/^Basic /);
        await expectStatus('/admin?stats', 401, 'secret-user:wrong');
        const ok = await get(http, '/admin?stats', { auth: 'secret-user:secret-pass' });
        expect(ok.status).toBe(200);
        expect(ok.body).toMatch(/Statistics Report/);
      }, ROUTE_TIMEOUT);
      await eventually(() => expectHello('/demo/hello'), ROUTE_TIMEOUT); // routes survived the restart
    },
    STEP_TIMEOUT,
  );

  it(
    '7. reqPathSearchReplace: plain, then a regex via --label-add',
    async () => {
      await removeService(E2E.demo);
      await createDemoAndWait(
        'step 7 (rewrite)',
        demoLabels({
          'com.df.servicePath': '/something',
          'com.df.reqPathSearchReplace': '/something/,/demo/',
        }),
        '/something/hello',
      );
      const other = await get(http, '/something/else');
      expect(other.status).toBe(404); // rewritten to /demo/else, which the demo does not serve
      expect(fromDemo(other)).toBe(true);

      await dk(
        'service',
        'update',
        '-d',
        '--label-add',
        'com.df.reqPathSearchReplace=/something/.*,/demo/hello',
        E2E.demo,
      );
      await eventually(async () => {
        await expectHello('/something/else');
        await expectHello('/something/totaly/different');
        await expectHello('/something/hello');
      }, ROUTE_TIMEOUT);
    },
    STEP_TIMEOUT,
  );

  it(
    '8. basic auth: global USERS, per-service users, both, encrypted passwords, usersSecret',
    async () => {
      await removeService(E2E.demo);
      await createDemoAndWait('step 8 (plain)', demoLabels(), '/demo/hello');

      // Global USERS, two users.
      await updateService(E2E.proxy, 1, '--env-add', 'USERS=my-user-1:my-pass-1,my-user-2:my-pass-2');
      await eventually(async () => {
        await expectStatus('/demo/hello', 401);
        await expectStatus('/demo/hello', 401, 'my-user-1:wrong');
        await expectHello('/demo/hello', { auth: 'my-user-1:my-pass-1' });
        await expectHello('/demo/hello', { auth: 'my-user-2:my-pass-2' });
      }, ROUTE_TIMEOUT);
      await updateService(E2E.proxy, 1, '--env-rm', 'USERS');
      await eventually(() => expectHello('/demo/hello'), ROUTE_TIMEOUT);

      // Per-service users.
      await removeService(E2E.demo);
      await createDemoAndWait(
        'step 8 (users)',
        demoLabels({ 'com.df.users': 'admin:password' }),
        '/demo/hello',
        [],
        'admin:password',
      );
      await expectStatus('/demo/hello', 401);

      // Both: the service's users replace the global ones for that service (as upstream documents).
      await updateService(E2E.proxy, 1, '--env-add', 'USERS=my-user:my-pass');
      await eventually(async () => {
        await expectHello('/demo/hello', { auth: 'admin:password' });
        await expectStatus('/demo/hello', 401);
        await expectStatus('/demo/hello', 401, 'my-user:my-pass');
      }, ROUTE_TIMEOUT);

      // Encrypted: a SHA-512 crypt hash made here (another password, so the change is observable).
      const hash = execFileSync('openssl', ['passwd', '-6', 'hashed-pass']).toString().trim();
      expect(hash).toMatch(/^\$6\$/);
      await dk(
        'service',
        'update',
        '-d',
        '--label-add',
        'com.df.usersPassEncrypted=true',
        '--label-add',
        `com.df.users=admin:${hash}`,
        E2E.demo,
      );
      await eventually(async () => {
        await expectHello('/demo/hello', { auth: 'admin:hashed-pass' });
        await expectStatus('/demo/hello', 401, 'admin:password');
        await expectStatus('/demo/hello', 401);
      }, ROUTE_TIMEOUT);

      // usersSecret: dfp_users_monitoring holds `observer:<hash>`; global USERS dropped in the same update.
      await run('docker', ['secret', 'create', 'fpe2e_users_monitoring', '-'], {
        input: `observer:${hash}\n`,
      });
      await updateService(
        E2E.proxy,
        1,
        '--env-rm',
        'USERS',
        '--secret-add',
        'source=fpe2e_users_monitoring,target=dfp_users_monitoring',
      );
      await dk(
        'service',
        'update',
        '-d',
        '--label-rm',
        'com.df.users',
        '--label-add',
        'com.df.usersSecret=monitoring',
        E2E.demo,
      );
      await eventually(async () => {
        await expectHello('/demo/hello', { auth: 'observer:hashed-pass' });
        await expectStatus('/demo/hello', 401, 'admin:hashed-pass');
        await expectStatus('/demo/hello', 401);
      }, ROUTE_TIMEOUT);
    },
    STEP_TIMEOUT,
  );

  it(
    '9. TCP: redis with reqMode=tcp, srcPort=6379, port=6379 answers PING with PONG through the proxy',
    async () => {
      await updateService(E2E.proxy, 1, '--publish-add', `mode=host,target=6379,published=${redisPort}`);
      const t0 = Date.now();
      await createService(
        E2E.redis,
        {
          [E2E.notifyLabel]: 'true',
          'com.df.port': '6379',
          'com.df.srcPort': '6379',
          'com.df.reqMode': 'tcp',
        },
        'flowproxy/base:bookworm',
        { cmd: ['redis-server', '--protected-mode', 'no'] },
      );
      await eventually(async () => expect(await redisPing(redisPort)).toBe('+PONG'), ROUTE_TIMEOUT);
      console.log(`e2e-timing step 9 (tcp): service create -> PONG in ${Date.now() - t0} ms`);
      // The HTTP routes still work beside the TCP frontend.
      await expectHello('/demo/hello', { auth: 'observer:hashed-pass' });
    },
    STEP_TIMEOUT,
  );
});
