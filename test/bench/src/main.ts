import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type StartedProxy } from '@flowproxy/testkit';
import { readFileSync } from 'node:fs';
import { mergeResults, writeOnlyResults, writeResults, type Results, type Section } from './report.js';
import { burst } from './sections/burst.js';
import { dataPlane } from './sections/data-plane.js';
import { hitless } from './sections/hitless.js';
import { reconfigureLatency } from './sections/latency.js';
import { listenerMemory } from './sections/listener-memory.js';
import { listenerScale } from './sections/listener-scale.js';
import { listenerSwarm, memory } from './sections/memory.js';
import { nodeCrash } from './sections/node-crash.js';
import { oneChange } from './sections/one-change.js';
import { register, routeScale } from './sections/route-scale.js';
import { startBackend, startBenchDns, startBenchProxy } from './setup.js';
import { stackUp } from './sections/stack-up.js';
import { swarmChain } from './sections/swarm-chain.js';
import { workerCrash } from './sections/worker-crash.js';

const quick = process.argv.includes('--quick');
const q = <T>(quickValue: T, full: T): T => (quick ? quickValue : full);

/**
 * `--only id[,id]`: only these sections, each with its own setup, written to only-<ids>.md and
 * never to latest.md. Sections that share the 1/100/1,000-service proxies run in the full run only.
 */
const ALONE: Record<string, (backendPort: number) => Promise<Section>> = {
  workerCrash: (port) => workerCrash(port, { rounds: q(2, 5) }),
  swarmChain: () => swarmChain({ services: q(3, 12) }),
  nodeCrash: () => nodeCrash({ afterKillMs: 15_000 }),
  stackUp: () => stackUp({ rounds: q(1, 2), services: 3 }),
  listenerSwarm: async () =>
    listenerSwarm(await listenerMemory({ services: q(20, 200), image: 'flowproxy/base:bookworm' })),
  listenerScale: () => listenerScale({ sizes: q([200], [1000, 10_000]), passes: 3, changes: q(3, 10) }),
};
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx > 0 ? (process.argv[onlyIdx + 1] ?? '').split(',') : undefined;

/** bench/results, or BENCH_RESULTS_DIR (the test suite's smoke run writes to a temp dir). */
function resultsDir(): string {
  const i = process.argv.indexOf('--out');
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : join(REPO_ROOT, 'bench', 'results');
}

/** `--no-docker`: the sections that need no Docker engine (the Swarm ones run later with --only). */
const noDocker = process.argv.includes('--no-docker');

function dockerAnswers(): boolean {
  if (noDocker) return false;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

/** `--merge a.json b.json ...`: one latest.md from several runs (e.g. --no-docker, then --only). */
const mergeIdx = process.argv.indexOf('--merge');

async function main(): Promise<void> {
  if (mergeIdx > 0) {
    const files = process.argv.slice(mergeIdx + 1).filter((a) => a.endsWith('.json'));
    const merged = mergeResults(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Results));
    const out = writeResults(resultsDir(), merged);
    console.log(`merged ${files.length} runs into ${out.json} and ${out.md}`);
    return;
  }
  const started = performance.now();
  const log = (s: string): void =>
    console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const backend = await startBackend();
  if (only) {
    const bad = only.filter((id) => !(id in ALONE));
    if (bad.length)
      throw new Error(`--only: ${bad.join(', ')} not runnable alone (${Object.keys(ALONE).join(', ')})`);
    const sections: Section[] = [];
    try {
      for (const id of only)
        sections.push(await (ALONE[id] as (p: number) => Promise<Section>)(backend.port));
    } finally {
      await backend.stop();
    }
    return report(sections, started, log, (r) => writeOnlyResults(resultsDir(), r, only));
  }
  const dns = await startBenchDns();
  const proxies: StartedProxy[] = [];
  const sections: Section[] = [];
  try {
    const start = async (): Promise<StartedProxy> => {
      const p = await startBenchProxy(dns);
      proxies.push(p);
      return p;
    };
    const [p1, p100, p1000] = [await start(), await start(), await start()] as const;
    log('registering 1 / 100 / 1,000 services (x2: paths and domains)');
    await register(p1, 1, 1, backend.port);
    await register(p100, 1, 100, backend.port);
    const registerSeconds = await register(p1000, 1, 1000, backend.port);
    log(`1. data-plane overhead`);
    sections.push(await dataPlane(p1, backend, { rounds: q(2, 10), seconds: q(1, 2) }));
    log('3. reconfigure latency');
    const records: Record<string, string[]> = {};
    sections.push(await reconfigureLatency(p1, dns, records, backend.port, { services: q(5, 20) }));
    if (dockerAnswers()) {
      log('3b. whole chain in the real Swarm');
      sections.push(
        await swarmChain({ services: q(3, 12) }).catch((e: Error) => ({
          id: 'swarmChain',
          title: '3b. Reconfigure latency, whole chain in the real Swarm',
          method: 'could not run',
          figures: [
            {
              name: 'first task running -> route 200',
              value: `failed: ${e.message}`,
              target: '<= 100',
              pass: false,
            },
          ],
        })),
      );
    }
    if (dockerAnswers()) {
      log('3c. stack up: docker stack deploy -> healthy and routing');
      sections.push(
        await stackUp({ rounds: q(1, 2), services: 3 }).catch((e: Error) => ({
          id: 'stackUp',
          title: '3c. Stack up: docker stack deploy -> healthy and routing',
          method: 'could not run',
          figures: [
            {
              name: 'both tasks started -> healthy and routing',
              value: `failed: ${e.message}`,
              target: '< 5000',
              pass: false,
            },
          ],
        })),
      );
    }
    log('4. hitless');
    const pHit = await start();
    sections.push(await hitless(pHit, backend.port, { changes: q(30, 100), reloads: q(5, 20) }));
    log('5. burst');
    sections.push(await burst(pHit, backend.port, { services: 100, rounds: q(1, 3) }));
    // Scale x10: 5,000 path + 5,000 domain services (a tenth of that in the quick run).
    const big = q(500, 5000);
    const pBig = await start();
    log(`registering ${big * 2} services`);
    // Registered after sections 1-5: its HAProxy health-checks every server each second, which
    // would load the machine under the latency and reload measurements of the small proxies.
    const registerBig = await register(pBig, 1, big, backend.port);
    log('2. route-table scale');
    sections.push(
      await routeScale(
        [
          { n: 1, proxy: p1 },
          { n: 100, proxy: p100 },
          { n: 1000, proxy: p1000 },
          { n: big, proxy: pBig },
        ],
        { rounds: q(2, 5), seconds: q(1, 3) },
      ),
    );
    log('6. one change at scale');
    sections.push(
      await oneChange(
        [
          { proxy: p1000, services: 2000, registerSeconds },
          { proxy: pBig, services: big * 2, registerSeconds: registerBig },
        ],
        backend.port,
        { rounds: q(3, 5) },
      ),
    );
    log('7. memory');
    const listener = dockerAnswers()
      ? await listenerMemory({ services: q(20, 200), image: 'flowproxy/base:bookworm' }).catch(
          (e: Error) => (log(`listener memory skipped: ${e.message}`), undefined),
        )
      : undefined;
    sections.push(memory(p1, p1000, listener, { proxy: pBig, services: big * 2 }));
    await pBig.stop();
    proxies.splice(proxies.indexOf(pBig), 1);
    log('7b. listener at 1,000 and 10,000 services (fake Docker engine)');
    sections.push(
      await listenerScale({ sizes: q([200], [1000, 10_000]), passes: 3, changes: q(3, 10) }).catch(
        (e: Error) => ({
          id: 'listenerScale',
          title: '7b. Listener at 1,000 and 10,000 services (fake Docker engine)',
          method: 'could not run',
          figures: [
            {
              name: 'reconcile pass CPU at 10,000',
              value: `failed: ${e.message}`,
              target: '< 1',
              pass: false,
            },
          ],
        }),
      ),
    );
    // Minutes of cluster start/stop: the full run only (scripts/bench.sh holds the cluster's lock).
    if (!quick && dockerAnswers()) {
      log('8. node crash under load (multi-node harness)');
      sections.push(
        await nodeCrash({ afterKillMs: 15_000 }).catch((e: Error) => ({
          id: 'nodeCrash',
          title: '8. Node crash under load (multi-node harness)',
          method: 'could not run',
          figures: [{ name: 'failed requests', value: `failed: ${e.message}`, target: '0', pass: false }],
        })),
      );
    }
    log('9. HAProxy worker crash, end to end');
    sections.push(await workerCrash(backend.port, { rounds: q(2, 5) }));
  } finally {
    for (const p of proxies) await p.stop().catch(() => undefined);
    await dns.stop();
    await backend.stop();
  }
  report(sections, started, log, (r) => writeResults(resultsDir(), r));
}

function report(
  sections: Section[],
  started: number,
  log: (s: string) => void,
  write: (r: Results) => { json: string; md: string },
): void {
  const haproxy = execFileSync('haproxy', ['-v']).toString().split('\n')[0] ?? 'haproxy';
  // In report order (section 2 runs late, after the proxy with the most services is registered).
  sections.sort((a, b) => parseFloat(a.title) - parseFloat(b.title));
  const results: Results = {
    date: new Date().toISOString().slice(0, 19),
    quick,
    machine: { cpus: cpus().length, node: process.version, haproxy },
    sections,
    durationSeconds: (performance.now() - started) / 1000,
  };
  const files = write(results);
  for (const s of sections)
    for (const f of s.figures)
      if (f.pass !== undefined)
        log(`${f.pass ? 'PASS' : 'MISS'} ${s.title} / ${f.name}: ${f.value} (target ${f.target})`);
  log(`wrote ${files.json} and ${files.md}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
