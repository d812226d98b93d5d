import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startProcess } from '@flowproxy/testkit';
import { startFakeDocker } from '../fake-docker.js';
import { cpuSeconds, rssMb } from '../proc.js';
import type { Figure, Section } from '../report.js';
import { dist, fmt } from '../stats.js';

const NOTIFY_LABEL = 'org.flowproxy.bench.notify';

/** Peak resident set size of a pid in MB (VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ListenerAtSize {
  readonly services: number;
  /** First listing -> every service notified (s, wall clock). */
  readonly initialSeconds: number;
  /** Listener CPU from start until every service was notified (s). */
  readonly initialCpu: number;
  /** Listener CPU of each steady reconcile pass (nothing changed) (s). */
  readonly passCpu: number[];
  /** One label change (event) -> its notification received (ms). */
  readonly changeMs: number[];
  readonly rssMb: number;
  readonly peakRssMb: number;
}

/**
 * The listener process (dist/main.js, its memory flags) against the fake Docker engine holding
 * `services` labelled services with one running task each, notifying a loopback receiver.
 */
export async function listenerAtSize(services: number, o: { passes: number; changes: number }) {
  const fake = await startFakeDocker({ services, notifyLabel: NOTIFY_LABEL });
  const received = new Map<string, number>();
  let waiter: { name: string; resolve: () => void } | undefined;
  const receiver = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('serviceName') ?? '';
    received.set(name, (received.get(name) ?? 0) + 1);
    if (waiter?.name === name) waiter.resolve();
    res.setHeader('Content-Type', 'application/json');
    res.end('{"Status":"OK"}');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-bench-listener-scale-'));
  const lists: { at: number; cpu: number }[] = [];
  let pid = 0;
  fake.onList = () => {
    if (pid) lists.push({ at: performance.now(), cpu: cpuSeconds(pid) });
  };
  // Seconds between reconciles: long enough that a pass at 10,000 never overlaps the next.
  const interval = 5;
  const listener = startProcess(process.execPath, [join(REPO_ROOT, 'apps/swarm-listener/dist/main.js')], {
    logFile: join(dir, 'listener.log'),
    env: {
      PATH: process.env.PATH,
      API_PORT: String(await freePort()),
      SECRETS_DIR: dir,
      DOCKER_HOST: fake.host,
      DF_NOTIFY_CREATE_SERVICE_URL: `http://127.0.0.1:${port}/v1/docker-flow-proxy/reconfigure`,
      DF_NOTIFY_REMOVE_SERVICE_URL: `http://127.0.0.1:${port}/v1/docker-flow-proxy/remove`,
      DF_RETRY_INTERVAL: '1',
      DF_NOTIFY_LABEL: NOTIFY_LABEL,
      DF_SERVICE_POLLING_INTERVAL: String(interval),
    },
  });
  pid = listener.pid;
  try {
    const deadline = Date.now() + 300_000;
    while (received.size < services && Date.now() < deadline) await sleep(20);
    if (received.size < services)
      throw new Error(`listener at ${services}: ${received.size} services notified in 300 s`);
    const initialCpu = cpuSeconds(pid);
    const initialSeconds = (performance.now() - (lists[0]?.at ?? performance.now())) / 1000;
    // Steady passes: CPU between one listing and the next is one pass (plus an idle wait).
    const want = lists.length + o.passes + 1;
    while (lists.length < want && Date.now() < deadline) await sleep(50);
    const passCpu = lists.slice(-o.passes - 1).flatMap((l, k, a) => {
      const next = a[k + 1];
      return next ? [next.cpu - l.cpu] : [];
    });
    const changeMs: number[] = [];
    for (let c = 0; c < o.changes; c++) {
      const i = Math.floor(((c + 0.5) * services) / o.changes);
      const got = new Promise<void>((resolve) => (waiter = { name: `fake_s${i}`, resolve }));
      const t0 = performance.now();
      fake.updateLabels(i, { 'com.df.servicePath': `/changed${c}` });
      await Promise.race([got, sleep(10_000)]);
      changeMs.push(performance.now() - t0);
      await sleep(200);
    }
    return {
      services,
      initialSeconds,
      initialCpu,
      passCpu,
      changeMs,
      rssMb: rssMb(pid),
      peakRssMb: peakRssMb(pid),
    } satisfies ListenerAtSize;
  } finally {
    await listener.stop();
    await fake.stop();
    receiver.closeAllConnections();
    receiver.close();
  }
}

/** 7b. The listener at 1,000 and 10,000 labelled services, against the fake Docker engine. */
export async function listenerScale(o: {
  sizes: number[];
  passes: number;
  changes: number;
}): Promise<Section> {
  const runs: ListenerAtSize[] = [];
  for (const n of o.sizes) runs.push(await listenerAtSize(n, o));
  const figures: Figure[] = [];
  const largest = runs[runs.length - 1];
  for (const r of runs) {
    const pass = dist(r.passCpu);
    const change = dist(r.changeMs);
    const atMax = r === largest && r.services >= 10_000;
    figures.push(
      {
        name: `${r.services}: start -> every service notified (s; listener CPU s)`,
        value: `${fmt(r.initialSeconds, 1)}; ${fmt(r.initialCpu, 2)}`,
      },
      {
        name: `${r.services}: CPU of one reconcile pass, nothing changed (s)`,
        value: `${fmt(pass.median)} [${fmt(pass.min)}–${fmt(pass.max)}] (n=${pass.n})`,
        ...(atMax ? { target: '< 1', pass: pass.max < 1 } : {}),
        raw: r.passCpu,
      },
      {
        name: `${r.services}: one label change (event) -> notification received (ms)`,
        value: `${fmt(change.median, 0)} [${fmt(change.min, 0)}–${fmt(change.max, 0)}] (n=${change.n})`,
        raw: r.changeMs,
      },
      {
        name: `${r.services}: RSS after the passes (MB; peak)`,
        value: `${fmt(r.rssMb, 1)}; peak ${fmt(r.peakRssMb, 1)}`,
        ...(atMax ? { target: '< 80', pass: r.rssMb < 80 } : {}),
      },
    );
  }
  const first = runs[0];
  if (first && largest && first !== largest) {
    const k = largest.services / first.services;
    const g = (a: number, b: number): string => `x${fmt(b / a, 1)}`;
    figures.push({
      name: `growth ${first.services} -> ${largest.services} (x${k}): pass CPU; change latency; RSS`,
      value: `${g(dist(first.passCpu).median, dist(largest.passCpu).median)}; ${g(dist(first.changeMs).median, dist(largest.changeMs).median)}; ${g(first.rssMb, largest.rssMb)}`,
    });
  }
  return {
    id: 'listenerScale',
    title: '7b. Listener at 1,000 and 10,000 services (fake Docker engine)',
    method:
      "Not the real Swarm: this machine cannot run 10,000 tasks, so the listener process (dist/main.js, as shipped) talks to a fake Docker Engine (test/bench/src/fake-docker.ts): a real HTTP server answering the Engine API calls the listener makes, with N labelled services (half path, half domain) and one running task each, shaped like dockerd 20.10's JSON from this machine. Reconcile every 5 s; pass CPU = listener user+system CPU between one service listing and the next (/proc/<pid>/stat, 10 ms ticks). A change = a label update on the fake plus its `update` event. The real Swarm figure is in section 7.",
    figures,
    notes: figures.some((f) => f.pass === false)
      ? [
          "MISS: what limits it: the RSS is Node's own floor (the listener idles at ~61 MB: the node binary's pages plus the required libraries, section 7) plus ~20 MB of heap for 10,000 services' state and what the allocator keeps after the start-up burst (peak above). Tried: the listing streamed one service at a time and only changed versions parsed (pass CPU 1.5 -> 0.2 s, RSS 150 -> ~93 MB), sends queued as closures instead of started sends (peak 256 -> ~170 MB), only the declared fields of each service kept.",
        ]
      : [],
  };
}
