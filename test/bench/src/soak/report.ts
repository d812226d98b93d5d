import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSummary, taskHistory } from './apps.js';
import type { OpKind } from './churn.js';
import type { LoadResult } from './load.js';
import type { SoakOptions } from './options.js';
import type { ProcSample, Usage } from './procs.js';

export interface Checkpoint {
  /** Seconds since the churn started. */
  readonly t: number;
  readonly final: boolean;
  readonly liveServices: number;
  readonly opsSoFar: number;
  /** Time from the churn's pause until the proxy matched the Swarm (or the settle limit). */
  readonly settleMs: number;
  /** Services Swarm itself had not converged at the settle limit (not counted against the proxy). */
  readonly unconverged: string[];
  /** Proxy state != Swarm after the settle limit: a lost (or very late) notification. */
  readonly mismatches: string[];
  readonly probeRequests: number;
  readonly probeMismatches: string[];
  readonly procs: ProcSample;
  readonly load: { readonly requests: number; readonly failed: number };
}

export interface SoakResults {
  readonly date: string;
  readonly options: SoakOptions;
  readonly aborted: boolean;
  readonly durationSeconds: number;
  readonly ops: Partial<Record<OpKind, number>>;
  readonly opErrors: { readonly count: number; readonly first: string[] };
  readonly checkpoints: Checkpoint[];
  readonly load?: LoadResult;
  readonly logs?: { readonly proxy: LogSummary; readonly listener: LogSummary };
  readonly metrics?: Record<string, number>;
  /** Containers each app's service had during the run (1 = never replaced) and unhealthy exits. */
  readonly tasks?: { readonly proxy: TaskHistory; readonly listener: TaskHistory };
  readonly machine: { readonly cpus: number; readonly node: string };
}

type TaskHistory = Awaited<ReturnType<typeof taskHistory>>;

type Series = 'proxyNode' | 'haproxyMaster' | 'haproxyWorkers' | 'listenerNode';
const SERIES: readonly [Series, string][] = [
  ['proxyNode', 'proxy control plane (node)'],
  ['haproxyMaster', 'HAProxy master'],
  ['haproxyWorkers', 'HAProxy worker(s), summed'],
  ['listenerNode', 'listener (node)'],
];

export interface Growth {
  readonly start: number;
  readonly end: number;
  readonly min: number;
  readonly max: number;
  /** Least-squares slope over the second half of the run, per hour. */
  readonly slopePerHourLate: number;
}

/** Least-squares slope of (t seconds, v) points, per hour; 0 with fewer than 2 points. */
export function slopePerHour(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((a, [t]) => a + t, 0) / n;
  const mv = points.reduce((a, [, v]) => a + v, 0) / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

export function growth(points: readonly (readonly [number, number])[]): Growth | undefined {
  if (points.length === 0) return undefined;
  const vs = points.map(([, v]) => v);
  const lastT = points[points.length - 1]?.[0] ?? 0;
  return {
    start: vs[0] ?? 0,
    end: vs[vs.length - 1] ?? 0,
    min: Math.min(...vs),
    max: Math.max(...vs),
    slopePerHourLate: slopePerHour(points.filter(([t]) => t >= lastT / 2)),
  };
}

function seriesOf(cps: readonly Checkpoint[], s: Series, f: (u: Usage) => number): [number, number][] {
  return cps.flatMap((c) => {
    const u = c.procs[s];
    return u ? [[c.t, f(u)] as [number, number]] : [];
  });
}

export interface Verdicts {
  readonly lostNotifications: number;
  readonly routingMismatches: number;
  readonly failedRequests: number;
  readonly finalMatches: boolean;
}

export function verdicts(r: SoakResults): Verdicts {
  const final = r.checkpoints.find((c) => c.final);
  return {
    lostNotifications: r.checkpoints.reduce((a, c) => a + c.mismatches.length, 0),
    routingMismatches: r.checkpoints.reduce((a, c) => a + c.probeMismatches.length, 0),
    failedRequests: r.load?.failed ?? 0,
    finalMatches: final !== undefined && final.mismatches.length === 0 && final.probeMismatches.length === 0,
  };
}

const f1 = (n: number): string => n.toFixed(1);
const f0 = (n: number): string => n.toFixed(0);
const pct = (a: number, b: number): string =>
  a === 0 ? 'n/a' : `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)} %`;

/** "start → end (delta), min–max, late slope" for RSS and fds of each process. */
function growthLines(cps: readonly Checkpoint[]): string[] {
  const out = [
    '| process | RSS start → end (MB) | RSS min–max | RSS slope, 2nd half (MB/h) | fds start → end | fds min–max |',
    '|---|---|---|---|---|---|',
  ];
  for (const [s, label] of SERIES) {
    const rss = growth(seriesOf(cps, s, (u) => u.rssMb));
    const fds = growth(seriesOf(cps, s, (u) => u.fds));
    if (!rss || !fds) {
      out.push(`| ${label} | not sampled | | | | |`);
      continue;
    }
    out.push(
      `| ${label} | ${f1(rss.start)} → ${f1(rss.end)} (${pct(rss.start, rss.end)}) | ${f1(rss.min)}–${f1(rss.max)} | ${rss.slopePerHourLate >= 0 ? '+' : ''}${f1(rss.slopePerHourLate)} | ${f0(fds.start)} → ${f0(fds.end)} (${fds.end - fds.start >= 0 ? '+' : ''}${f0(fds.end - fds.start)}) | ${f0(fds.min)}–${f0(fds.max)} |`,
    );
  }
  return out;
}

const verdict = (ok: boolean): string => (ok ? '**PASS**' : '**MISS**');

export function toMarkdown(r: SoakResults): string {
  const v = verdicts(r);
  const cps = r.checkpoints;
  const o = r.options;
  const totalOps = Object.values(r.ops).reduce((a, b) => a + (b ?? 0), 0);
  const restarts = (k: 'proxyContainer' | 'listenerContainer'): number =>
    new Set(cps.map((c) => c.procs[k]).filter((x) => x !== '')).size - 1;
  const out: string[] = [
    `# Soak results (${r.date}${r.aborted ? ', ABORTED' : ''})`,
    '',
    `${r.machine.cpus} CPUs, Node ${r.machine.node}. ${(r.durationSeconds / 60).toFixed(1)} min in all, ${o.minutes} min of churn; seed ${o.seed}. Produced by \`npm run soak\` (test/bench/src/soak); raw data in soak-${r.date.replace(/:/g, '-')}.json.`,
    '',
    `Method: the real stack (docker-compose.yml, images flowproxy/proxy and flowproxy/swarm-listener) deployed as \`fpsoak\` with its own notify label and ports, beside anything else on the host Swarm. One operation every ${o.opIntervalMs} ms on demo services (create, path / domain / port label changes, scale 1↔2, rolling update, remove; at most ${o.maxServices} live), ${totalOps} in all. Every ${o.checkpointSeconds} s the churn pauses; the proxy's \`config?type=json\` is compared with \`docker service inspect\` until they match (at most ${o.settleSeconds} s, then every difference counts as a lost notification); then real requests through the proxy's host port check every live route (200 from that service's current tasks, \`X-Served-By: name@generation\`), the paths it does not route, and the domains retired since the last checkpoint (503/404); then RSS and open fds of both apps' processes are read from /proc. A background loop sends one GET every ${o.loadIntervalMs} ms to a stable 2-replica service the churn never touches.`,
    '',
    '| figure | value | target | verdict |',
    '|---|---|---|---|',
    `| lost notifications (proxy != Swarm after ${o.settleSeconds} s, summed over ${cps.length} checkpoints) | ${v.lostNotifications} | 0 | ${verdict(v.lostNotifications === 0)} |`,
    `| routing mismatches (requests through the proxy != Swarm) | ${v.routingMismatches} of ${cps.reduce((a, c) => a + c.probeRequests, 0)} probe requests | 0 | ${verdict(v.routingMismatches === 0)} |`,
    `| routing state matches the Swarm at the end | ${v.finalMatches ? 'yes' : 'no'} | yes | ${verdict(v.finalMatches)} |`,
    `| failed requests, background loop to the stable service | ${v.failedRequests} of ${r.load?.requests ?? 0} (slowest ${r.load?.slowestMs ?? 0} ms) in ${r.load?.outages.length ?? 0} outages, longest ${Math.max(0, ...(r.load?.outages ?? []).map((o) => o.seconds)).toFixed(1)} s | 0 | ${verdict(v.failedRequests === 0)} |`,
    `| churn operations (${Object.entries(r.ops)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}) | ${totalOps} (docker CLI errors: ${r.opErrors.count}) | | |`,
    `| settle time per checkpoint, median / max (ms) | ${median(cps.map((c) => c.settleMs))} / ${Math.max(0, ...cps.map((c) => c.settleMs))} | | |`,
  ];
  if (r.tasks) {
    const n = r.tasks.proxy.containers - 1 + (r.tasks.listener.containers - 1);
    out.push(
      `| tasks replaced, proxy / listener (of which the container was unhealthy: its healthcheck failed) | ${r.tasks.proxy.containers - 1} (${r.tasks.proxy.unhealthyExits}) / ${r.tasks.listener.containers - 1} (${r.tasks.listener.unhealthyExits}) | 0 | ${verdict(n === 0)} |`,
    );
  } else
    out.push(
      `| containers seen at checkpoints, proxy / listener (1 = never replaced) | ${restarts('proxyContainer') + 1} / ${restarts('listenerContainer') + 1} | 1 / 1 | ${verdict(restarts('proxyContainer') + restarts('listenerContainer') === 0)} |`,
    );
  if (r.logs)
    out.push(
      `| log lines at level error, proxy / listener | ${r.logs.proxy.errors} / ${r.logs.listener.errors} | | |`,
      `| resyncs that changed the proxy's state (a notification not there yet, or lost; the resync repaired it) | ${r.logs.proxy.resyncChanges.length} (applied ${r.logs.proxy.resyncChanges.reduce((a, c) => a + c.applied, 0)}, removed ${r.logs.proxy.resyncChanges.reduce((a, c) => a + c.removed, 0)}) | | |`,
    );
  for (const [k, n] of Object.entries(r.metrics ?? {}))
    out.push(`| ${k} (counters of the task running at the end) | ${n} | | |`);
  out.push('', '## Memory and file descriptors (growth from the first to the last checkpoint)', '');
  out.push(...growthLines(cps), '');
  const tasks = (k: 'proxyContainer' | 'listenerContainer'): number =>
    new Set(cps.map((c) => c.procs[k]).filter((x) => x !== '')).size;
  if (tasks('proxyContainer') > 1 || tasks('listenerContainer') > 1)
    out.push(
      `The samples come from ${tasks('proxyContainer')} proxy and ${tasks('listenerContainer')} listener tasks (Swarm replaced some during the run): a replaced task starts again from a fresh process, so start → end compares different processes there.`,
      '',
    );
  out.push(
    'A leak shows as steady growth: an end value well above the start and a clearly positive slope over the second half. HAProxy workers are replaced on every reload (old ones finish their connections), so their sum moves with the reload timing.',
    '',
    '## Checkpoints',
    '',
    '| t (s) | live | ops | settle (ms) | lost | probe mismatches | proxy node RSS/fds | HAProxy master RSS/fds | workers (n) RSS/fds | listener RSS/fds | loop failed/requests |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const u = (x?: Usage): string => (x ? `${f1(x.rssMb)} / ${x.fds}` : '—');
  for (const c of cps)
    out.push(
      `| ${f0(c.t)}${c.final ? ' (final)' : ''} | ${c.liveServices} | ${c.opsSoFar} | ${c.settleMs} | ${c.mismatches.length} | ${c.probeMismatches.length} | ${u(c.procs.proxyNode)} | ${u(c.procs.haproxyMaster)} | ${c.procs.haproxyWorkers ? `(${c.procs.haproxyWorkers.count}) ` : ''}${u(c.procs.haproxyWorkers)} | ${u(c.procs.listenerNode)} | ${c.load.failed}/${c.load.requests} |`,
    );
  const details = [
    ...cps.flatMap((c) => c.mismatches.map((m) => `t=${f0(c.t)} s, lost: ${m}`)),
    ...cps.flatMap((c) => c.probeMismatches.map((m) => `t=${f0(c.t)} s, routing: ${m}`)),
    ...(r.load?.outages ?? []).map(
      (o) => `background loop outage at ${o.at}: ${o.failed} failed requests over ${o.seconds.toFixed(1)} s`,
    ),
    ...(r.load?.failures ?? []).slice(0, 10).map((m) => `background loop: ${m}`),
    ...r.opErrors.first.map((m) => `docker: ${m}`),
    ...(r.logs?.proxy.firstErrors ?? []).map((m) => `proxy log: ${m}`),
    ...(r.logs?.listener.firstErrors ?? []).map((m) => `listener log: ${m}`),
  ];
  if (details.length)
    out.push('', '## Details', '', ...details.slice(0, 60).map((d) => `- ${d.replace(/\|/g, '\\|')}`));
  return out.join('\n') + '\n';
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] ?? 0) : 0;
}

/** soak-<date>.json / .md, and soak.md (the latest run). */
export function writeSoakResults(dir: string, r: SoakResults): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = `soak-${r.date.replace(/:/g, '-')}`;
  const json = join(dir, `${stamp}.json`);
  const md = join(dir, `${stamp}.md`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const text = toMarkdown(r);
  writeFileSync(md, text);
  writeFileSync(join(dir, 'soak.md'), text);
  return { json, md };
}
