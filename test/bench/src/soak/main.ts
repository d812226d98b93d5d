import { cpus } from 'node:os';
import { eventually, freePorts, sleep } from '@flowproxy/testkit';
import { dk } from '../../../e2e/support/exec.js';
import { get } from '../../../e2e/support/http.js';
import { deployStack, imageRef, removeStack, runningTasks, stackNames } from '../../../e2e/support/swarm.js';
import {
  LISTENER_METRICS,
  PROXY_API,
  PROXY_METRICS,
  execGet,
  metricSum,
  summarizeLogs,
  taskHistory,
} from './apps.js';
import {
  SOAK_LABEL,
  STABLE,
  applyOp,
  createSoakService,
  domainOf,
  nextOp,
  seeded,
  servedBy,
  type ChurnService,
  type OpKind,
} from './churn.js';
import { compare, swarmRoutes, type ProxyService, type SwarmRoute } from './expected.js';
import { backgroundLoad } from './load.js';
import { parseOptions } from './options.js';
import { probeRoutes, type Retired } from './probe.js';
import { sampleProcs } from './procs.js';
import { writeSoakResults, verdicts, type Checkpoint, type SoakResults } from './report.js';

/**
 * `npm run soak`: service churn through the real Swarm with both apps for `--minutes` (30), in a
 * stack of its own (fpsoak: own network, notify label and free host ports), so it runs beside
 * `npm run demo` and the e2e. Removes everything it created at the end, also on Ctrl-C.
 */
const NAMES = stackNames('fpsoak', 'org.flowproxy.soak.notify');

const opts = parseOptions(process.argv.slice(2));
const t0 = Date.now();
const log = (s: string): void => console.log(`[soak ${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);

let aborted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    if (!aborted) log(`${sig}: stopping the churn, then removing everything the soak created`);
    aborted = true;
  });

/** Every soak service (churn and stable), then the stack and its network: also an aborted run's leftovers. */
async function cleanup(): Promise<void> {
  const ids = (await dk('service', 'ls', '-q', '--filter', `label=${SOAK_LABEL}`))
    .split('\n')
    .filter((x) => x);
  if (ids.length) await dk('service', 'rm', ...ids);
  await eventually(
    async () => {
      const left = await dk('ps', '-aq', '--filter', `label=${SOAK_LABEL}`);
      if (left) throw new Error(`soak containers still present: ${left.replace(/\n/g, ' ')}`);
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
  await removeStack(NAMES);
}

async function proxyContainer(): Promise<string> {
  const id = await dk(
    'ps',
    '-q',
    '--filter',
    `label=com.docker.swarm.service.name=${NAMES.proxy}`,
    '--filter',
    'status=running',
  );
  const first = id.split('\n')[0];
  if (!first) throw new Error('no running proxy container');
  return first;
}

async function proxyServices(): Promise<Record<string, ProxyService>> {
  const body = await execGet(await proxyContainer(), `${PROXY_API}/config?type=json`);
  return (JSON.parse(body) as { services: Record<string, ProxyService> }).services;
}

async function main(): Promise<void> {
  log(`options ${JSON.stringify(opts)}`);
  await cleanup();
  const [http, https] = (await freePorts(2)) as [number, number];
  const checkpoints: Checkpoint[] = [];
  const ops: Partial<Record<OpKind, number>> = {};
  const opErrors: string[] = [];
  let opErrorCount = 0;
  let opsDone = 0;
  const results = (extra: Partial<SoakResults>): SoakResults => ({
    date: new Date(t0).toISOString().slice(0, 19),
    options: opts,
    aborted,
    durationSeconds: (Date.now() - t0) / 1000,
    ops,
    opErrors: { count: opErrorCount, first: opErrors },
    checkpoints,
    machine: { cpus: cpus().length, node: process.version },
    ...extra,
  });
  let final: Partial<SoakResults> | undefined;
  try {
    log(`deploying the stack ${NAMES.stack} (http ${http}, https ${https})`);
    await deployStack({ http, https }, NAMES);
    await eventually(
      async () => {
        if (
          (await runningTasks(NAMES.proxy)).length !== 1 ||
          (await runningTasks(NAMES.listener)).length !== 1
        )
          throw new Error('stack not running');
        await get(http, '/');
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    const ctx = { notifyLabel: NAMES.notifyLabel, network: NAMES.network, image: await imageRef('demo') };
    const stable: ChurnService = {
      name: STABLE,
      replicas: 2,
      pathSet: 0,
      domainVersion: 0,
      port: 8080,
      generation: 0,
    };
    await createSoakService(stable, ctx);
    const stableHost = domainOf(stable);
    await eventually(
      async () => {
        const r = await get(http, '/demo/hello', { host: stableHost });
        if (r.status !== 200) throw new Error(`stable service not routed yet: ${r.status}`);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    log(`stack up; churning for ${opts.minutes} min`);
    const churnMs = opts.minutes * 60_000;
    const load = backgroundLoad({
      httpPort: http,
      host: stableHost,
      path: '/demo/hello',
      expectServedBy: servedBy(stable),
      intervalMs: opts.loadIntervalMs,
      maxRequests: Math.ceil((churnMs + 15 * 60_000) / opts.loadIntervalMs),
      maxMs: churnMs + 15 * 60_000,
    });
    const rand = seeded(opts.seed);
    const live = new Map<string, ChurnService>();
    let retired: Retired[] = [];
    let counter = 0;
    const start = Date.now();
    const checkpoint = async (isFinal: boolean): Promise<Checkpoint> => {
      const paused = Date.now();
      const limit = paused + opts.settleSeconds * (isFinal ? 2 : 1) * 1000;
      let mismatches: string[];
      let routes: SwarmRoute[] = [];
      for (;;) {
        try {
          routes = await swarmRoutes();
          mismatches = compare(routes, await proxyServices());
          if (mismatches.length === 0 && routes.every((r) => r.converged)) break;
        } catch (e) {
          mismatches = [`could not compare: ${(e as Error).message}`];
        }
        if (Date.now() > limit || aborted) break;
        await sleep(1000);
      }
      const settleMs = Date.now() - paused;
      const probe = await probeRoutes(http, routes, retired);
      retired = [];
      const cp: Checkpoint = {
        t: (Date.now() - start) / 1000,
        final: isFinal,
        liveServices: live.size,
        opsSoFar: opsDone,
        settleMs,
        unconverged: routes.filter((r) => !r.converged).map((r) => r.name),
        mismatches,
        probeRequests: probe.requests,
        probeMismatches: probe.mismatches,
        procs: await sampleProcs(NAMES.proxy, NAMES.listener),
        load: load.snapshot(),
      };
      checkpoints.push(cp);
      const p = cp.procs;
      log(
        `checkpoint: ${cp.liveServices} live, ${opsDone} ops, settled in ${settleMs} ms, ${mismatches.length} lost, ${probe.mismatches.length}/${probe.requests} probe mismatches, unconverged ${cp.unconverged.length}; RSS/fds proxy ${p.proxyNode?.rssMb.toFixed(1)}/${p.proxyNode?.fds} haproxy ${p.haproxyMaster?.rssMb.toFixed(1)}/${p.haproxyMaster?.fds}+${p.haproxyWorkers?.rssMb.toFixed(1)}/${p.haproxyWorkers?.fds} listener ${p.listenerNode?.rssMb.toFixed(1)}/${p.listenerNode?.fds}; loop ${cp.load.failed}/${cp.load.requests} failed`,
      );
      for (const m of [...mismatches, ...probe.mismatches]) log(`  ${m}`);
      return cp;
    };
    await checkpoint(false);
    while (!aborted && Date.now() - start < churnMs) {
      const next = Math.min(Date.now() + opts.checkpointSeconds * 1000, start + churnMs);
      while (!aborted && Date.now() < next) {
        const op = nextOp([...live.values()], opts.maxServices, counter, rand);
        if (op.kind === 'create') counter++;
        try {
          await applyOp(op, ctx);
          opsDone++;
          ops[op.kind] = (ops[op.kind] ?? 0) + 1;
          if (op.after) live.set(op.after.name, op.after);
          else if (op.before) live.delete(op.before.name);
          if (op.before && (op.kind === 'remove' || op.kind === 'domain'))
            retired.push({
              host: domainOf(op.before),
              why: op.kind === 'remove' ? 'service removed' : 'domain changed',
            });
        } catch (e) {
          opErrorCount++;
          if (opErrors.length < 20)
            opErrors.push(`${op.kind} ${op.before?.name ?? op.after?.name}: ${(e as Error).message}`);
        }
        await sleep(opts.opIntervalMs);
      }
      if (!aborted) await checkpoint(false);
    }
    if (!aborted) {
      log('churn over: final settle and check');
      await checkpoint(true);
    }
    const loadResult = await load.stop();
    final = { load: loadResult };
    log('reading logs, metrics and task history');
    // Figures for the report only: a failure here must not lose the run's checkpoints.
    try {
      const pc = await proxyContainer();
      const [lc = ''] = (
        await dk(
          'ps',
          '-q',
          '--filter',
          `label=com.docker.swarm.service.name=${NAMES.listener}`,
          '--filter',
          'status=running',
        )
      ).split('\n');
      const pm = await execGet(pc, PROXY_METRICS);
      const lm = lc ? await execGet(lc, LISTENER_METRICS) : '';
      final = {
        ...final,
        tasks: { proxy: await taskHistory(NAMES.proxy), listener: await taskHistory(NAMES.listener) },
        logs: { proxy: await summarizeLogs(NAMES.proxy), listener: await summarizeLogs(NAMES.listener) },
        metrics: {
          'proxy: HAProxy reloads': metricSum(pm, 'flowproxy_reloads_total'),
          'proxy: failed reloads': metricSum(pm, 'flowproxy_reloads_total', 'outcome="failed"'),
          'proxy: reconfigure requests': metricSum(pm, 'flowproxy_reconfigure_total'),
          'proxy: remove requests': metricSum(pm, 'flowproxy_remove_total'),
          'listener: notifications sent': metricSum(lm, 'swarm_listener_notifications_sent_total'),
          'listener: notifications failed': metricSum(lm, 'swarm_listener_notifications_failed_total'),
          'listener: notifications retried': metricSum(lm, 'swarm_listener_notifications_retried_total'),
          'listener: event stream reconnects': metricSum(lm, 'swarm_listener_event_stream_reconnects_total'),
        },
      };
    } catch (e) {
      log(`could not read logs or metrics: ${(e as Error).message}`);
    }
  } finally {
    log('removing the soak services, the stack and its network');
    await cleanup().catch((e: Error) =>
      log(`cleanup failed: ${e.message} (run npm run soak -- --minutes 0.1 to retry)`),
    );
  }
  const r = results(final ?? {});
  const files = writeSoakResults(opts.outDir, r);
  const v = verdicts(r);
  log(
    `lost notifications ${v.lostNotifications}, routing mismatches ${v.routingMismatches}, failed requests ${v.failedRequests}, final state matches ${v.finalMatches}`,
  );
  log(`wrote ${files.json}, ${files.md} and soak.md`);
  if (aborted) process.exitCode = 130;
}

main().catch(async (e: unknown) => {
  console.error(e);
  process.exit(1);
});
