import { request } from 'node:http';
import { CLUSTER, eventually, nodeDocker, sleep } from '@flowproxy/testkit';
import { MN, containersOn, fromDemo, getVia, stateHash } from '../../../e2e/multinode/support.js';
import type { Figure } from '../report.js';
import { dist } from '../stats.js';

/** One call of node `i`'s Docker Engine API (the unix socket scripts/cluster.sh exposes). */
function engine(i: number, method: string, path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: CLUSTER.socket(i),
        method,
        path: `/v1.41${path}`,
        headers: data
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
          : {},
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text ? (JSON.parse(text) as unknown) : undefined);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

interface ServiceInfo {
  readonly Version: { readonly Index: number };
  readonly Spec: { readonly Labels?: Record<string, string> } & Record<string, unknown>;
}

/** Sets one label of `service` with a single Engine API update; resolves when the manager took it. */
async function setLabel(mgr: number, service: string, key: string, value: string): Promise<void> {
  const svc = (await engine(mgr, 'GET', `/services/${service}`)) as ServiceInfo;
  const spec = { ...svc.Spec, Labels: { ...(svc.Spec.Labels ?? {}), [key]: value } };
  await engine(mgr, 'POST', `/services/${service}/update?version=${svc.Version.Index}`, spec);
}

/** Milliseconds from `t0` until the proxy on node `i` routes `path` to a demo task (polled every 10 ms). */
async function routedAfter(i: number, path: string, t0: number, maxMs: number): Promise<number> {
  while (Date.now() - t0 < maxMs) {
    try {
      if (fromDemo(await getVia(i, path, 1000))) return Date.now() - t0;
    } catch {
      // A refused or slow connection: try again.
    }
    await sleep(10);
  }
  throw new Error(`fpn${i} did not route ${path} within ${maxMs} ms`);
}

interface LogLine {
  readonly timestamp?: string;
  readonly event?: string;
  readonly message?: string;
  readonly requestId?: string;
  readonly requestIds?: string[];
  readonly durationMs?: number;
  readonly ms?: number;
}

/** The JSON log lines of the service's container(s) on node `i`. */
async function logsOn(i: number, service: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const cid of await containersOn(i, service)) {
    const out = await nodeDocker(i, 'logs', '--since', '10m', cid).catch(() => '');
    for (const l of out.split('\n')) {
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        // HAProxy's plain lines and the like.
      }
    }
  }
  return lines;
}

const at = (l: LogLine | undefined): number => (l?.timestamp ? Date.parse(l.timestamp) : NaN);

/**
 * Label change -> every proxy replica holds it, on the multi-node harness with its stack running
 * (listener on node 1, proxies on `proxies`, MN.demo routed at /demo). Each round sets
 * com.df.servicePath of MN.demo to a new path with one Engine API call, then polls every proxy's
 * port 80 for that path every 10 ms; the round's figure is the time until the last proxy routes it
 * (all replicas then run the change; their state hashes are checked equal afterwards, untimed).
 * The listener's and the proxies' logs give where the time went (matched by request id).
 */
export async function labelConvergence(
  proxies: readonly number[],
  rounds: number,
): Promise<{ figures: Figure[]; notes: string[] }> {
  const all: number[] = [];
  const perReplica: string[] = [];
  const firstHop: number[] = [];
  const reloads: number[] = [];
  let runtimeApplied = 0;
  const hops: number[] = [];
  const applies: number[] = [];
  const notes: string[] = [];
  const started: { path: string; t0: number }[] = [];
  let hashMismatch = 0;
  for (let r = 0; r < rounds; r++) {
    const path = `/conv${Date.now().toString(36)}`;
    await sleep(1500);
    const t0 = Date.now();
    await setLabel(1, MN.demo, 'com.df.servicePath', `/demo,/health,${path}`);
    started.push({ path, t0 });
    const per = await Promise.all(proxies.map((i) => routedAfter(i, `${path}/x`, t0, 60_000)));
    all.push(Math.max(...per));
    perReplica.push(per.join('/'));
    const hashes = await eventually(
      async () => {
        const h = await Promise.all(proxies.map((i) => stateHash(i)));
        if (new Set(h).size !== 1) throw new Error(`state hashes differ: ${h.join(' ')}`);
        return h;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    ).catch(() => undefined);
    if (!hashes) hashMismatch++;
  }
  // Where the time went: the listener's send and the proxies' reloads, matched by request id.
  const listenerLog = await logsOn(1, MN.listener);
  const proxyLogs = (await Promise.all(proxies.map((i) => logsOn(i, MN.proxy)))).flat();
  for (const { path, t0 } of started) {
    const sent = listenerLog.find(
      (l) =>
        l.message?.startsWith('Sending service created notification') &&
        l.message.includes(encodeURIComponent(path)),
    );
    const id = sent?.requestId;
    if (!id) continue;
    firstHop.push(at(sent) - t0);
    for (const l of proxyLogs) {
      if (l.event === 'reload' && l.requestIds?.includes(id) && l.durationMs !== undefined)
        reloads.push(l.durationMs);
      if (l.event === 'runtime' && l.requestIds?.includes(id)) runtimeApplied++;
      // A replica logs `reconfigure` once applied: received = logged - durationMs.
      if (l.event === 'reconfigure' && l.requestId === id && l.durationMs !== undefined) {
        hops.push(at(l) - l.durationMs - at(sent));
        applies.push(l.durationMs);
      }
    }
  }
  const d = dist(all);
  const hop = dist(firstHop);
  // A path change is a map entry: replicas apply it through the runtime API, so no reload is logged.
  const how =
    reloads.length > 0
      ? `of which the reload batch (render, haproxy -c, reload until only new workers run): median ${dist(reloads).median.toFixed(0)} ms, max ${dist(reloads).max.toFixed(0)} (n=${reloads.length})`
      : `no reload: ${runtimeApplied} of ${applies.length} applied through HAProxy's runtime API`;
  const hp = dist(hops);
  const ap = dist(applies);
  notes.push(
    `per round (ms until fpn${proxies.join('/fpn')} routed the new path): ${perReplica.join(', ')}`,
    `label update -> listener sends the notification: median ${hop.median.toFixed(0)} ms, max ${hop.max.toFixed(0)} (n=${hop.n})`,
    `listener sends -> a replica receives it (directly or forwarded by distribute=true): median ${hp.median.toFixed(0)} ms, max ${hp.max.toFixed(0)} (n=${hp.n})`,
    `a replica receives -> applied (reload pipeline): median ${ap.median.toFixed(0)} ms, max ${ap.max.toFixed(0)} (n=${ap.n}); ${how}`,
  );
  return {
    figures: [
      {
        name: 'label change -> all replicas same state: p50 / p95 (ms)',
        value: `${d.median.toFixed(0)} / ${d.p95.toFixed(0)} (n=${d.n}, max ${d.max.toFixed(0)})`,
        target: '<= 1000 (p95)',
        pass: d.p95 <= 1000 && hashMismatch === 0,
        raw: {
          roundsMs: all,
          perReplica,
          firstHopMs: firstHop,
          hopMs: hops,
          applyMs: applies,
          reloadMs: reloads,
        },
      },
      {
        name: 'rounds whose replicas did not report the same state hash',
        value: String(hashMismatch),
        target: '0',
        pass: hashMismatch === 0,
      },
    ],
    notes,
  };
}
