import { eventually, freePorts } from '@flowproxy/testkit';
import { dk } from '../../../e2e/support/exec.js';
import { get } from '../../../e2e/support/http.js';
import {
  E2E,
  createService,
  deployStack,
  imageRef,
  runningTasks,
  serviceLogs,
  teardown,
} from '../../../e2e/support/swarm.js';
import { until200 } from '../proxy-api.js';
import type { Figure, Section } from '../report.js';
import { dist, fmtDist, fmtP95 } from '../stats.js';

/** One notification as the listener logged it: when it was sent and when the proxy answered. */
interface Sent {
  readonly service: string;
  readonly sentAt: number;
  readonly deliveredAt?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The listener's create notifications from its JSON log lines, in order: "Sending service created
 * notification ...serviceName=X..." and the "notification delivered" line with the same requestId.
 */
export function sentNotifications(logs: string): Sent[] {
  const byId = new Map<string, { service: string; sentAt: number; deliveredAt?: number }>();
  for (const line of logs.split('\n')) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(o) || typeof o.requestId !== 'string' || typeof o.timestamp !== 'string') continue;
    const at = Date.parse(o.timestamp);
    const msg = typeof o.message === 'string' ? o.message : '';
    const m = /^Sending service created notification to \S*[?&]serviceName=([^&\s]+)/.exec(msg);
    if (m?.[1]) byId.set(o.requestId, { service: decodeURIComponent(m[1]), sentAt: at });
    else if (msg === 'notification delivered') {
      const s = byId.get(o.requestId);
      if (s && s.deliveredAt === undefined) s.deliveredAt = at;
    }
  }
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt);
}

interface Step {
  readonly service: string;
  /** Swarm's timestamp of the event: first task running, or the spec update. */
  readonly from: number;
  readonly routed: number;
}

/** The listener's first notification for each step's service at or after `from - slackMs`. */
function breakdown(steps: readonly Step[], sent: readonly Sent[], slackMs: number) {
  const listener: number[] = [];
  const proxy: number[] = [];
  const dataPlane: number[] = [];
  for (const s of steps) {
    const n = sent.find((x) => x.service === s.service && x.sentAt >= s.from - slackMs);
    if (!n) continue;
    listener.push(n.sentAt - s.from);
    if (n.deliveredAt !== undefined) {
      proxy.push(n.deliveredAt - n.sentAt);
      dataPlane.push(s.routed - n.deliveredAt);
    }
  }
  return { listener, proxy, dataPlane };
}

const pct = (v: number[]): string => fmtDist(dist(v), '', 0);
const med = (v: number[]): string => (v.length ? dist(v).median.toFixed(0) : 'n/a');

/**
 * 3b. The whole chain in the real Swarm, with the e2e harness: the stack from docker-compose.yml
 * (listener + proxy images), then services created one after another with `docker service create`;
 * each is polled through the proxy's host port every 5 ms until it answers 200. Then each service's
 * domain label is changed (`docker service update --label-add`) and the new domain polled the same way.
 */
export async function swarmChain(o: { services: number }): Promise<Section> {
  await teardown();
  const [http, https] = await freePorts(2);
  if (http === undefined || https === undefined) throw new Error('no free ports');
  await deployStack({ http, https });
  const names: string[] = [];
  const createTo200: number[] = [];
  const createToRunning: number[] = [];
  const created: Step[] = [];
  const updated: Step[] = [];
  let logs: string;
  try {
    // Ready = the proxy answers on its host port (503 for an unknown route) and is healthy.
    await eventually(
      async () => {
        if ((await runningTasks(E2E.proxy)).length !== 1 || (await runningTasks(E2E.listener)).length !== 1)
          throw new Error('stack not running');
        await get(http, '/');
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const demo = await imageRef('demo');
    for (let i = 0; i < o.services; i++) {
      const name = `fpbench-chain-${i}`;
      const host = `chain${i}.bench.test`;
      names.push(name);
      const t0 = Date.now();
      await createService(
        name,
        {
          [E2E.notifyLabel]: 'true',
          'com.df.servicePath': '/demo',
          'com.df.serviceDomain': host,
          'com.df.port': '8080',
        },
        demo,
      );
      const waited = await until200(`http://127.0.0.1:${http}/demo/hello`, { host, timeoutMs: 60_000 });
      if (Number.isNaN(waited)) throw new Error(`swarm chain: ${name} never answered`);
      const routed = Date.now();
      const tasks = await runningTasks(name);
      const running = Math.min(
        ...(await Promise.all(
          tasks.map(async (t) => Date.parse(await dk('inspect', '-f', '{{.Status.Timestamp}}', t))),
        )),
      );
      createTo200.push(routed - t0);
      createToRunning.push(running - t0);
      created.push({ service: name, from: running, routed });
    }
    // Label updates: a new domain on a running service (labels only, so Swarm restarts no task).
    for (const name of names) {
      const host = `${name.replace('fpbench-chain-', 'moved')}.bench.test`;
      await dk(
        'service',
        'update',
        '-d',
        '--no-resolve-image',
        '--label-add',
        `com.df.serviceDomain=${host}`,
        name,
      );
      const waited = await until200(`http://127.0.0.1:${http}/demo/hello`, { host, timeoutMs: 60_000 });
      if (Number.isNaN(waited)) throw new Error(`swarm chain: ${name}'s new domain never answered`);
      const routed = Date.now();
      const at = Date.parse(await dk('service', 'inspect', '-f', '{{.UpdatedAt}}', name));
      updated.push({ service: name, from: at, routed });
    }
    logs = await serviceLogs(E2E.listener).catch(() => '');
  } finally {
    for (const n of names) await dk('service', 'rm', n).catch(() => '');
    await teardown();
  }
  const runningTo200 = created.map((s) => s.routed - s.from);
  const updateTo200 = updated.map((s) => s.routed - s.from);
  const r = dist(runningTo200);
  const u = dist(updateTo200);
  const sent = sentNotifications(logs);
  // The container start event can reach the listener before Swarm records the task as running.
  const bc = breakdown(created, sent, 2000);
  const bu = breakdown(updated, sent, 0);
  const parts = (label: string, b: ReturnType<typeof breakdown>): Figure[] => [
    { name: `${label}: listener (-> notification sent) (ms)`, value: pct(b.listener), raw: b.listener },
    { name: `${label}: proxy (sent -> proxy answered) (ms)`, value: pct(b.proxy), raw: b.proxy },
    { name: `${label}: data plane (answered -> route 200) (ms)`, value: pct(b.dataPlane), raw: b.dataPlane },
  ];
  return {
    id: 'swarmChain',
    title: '3b. Reconfigure latency, whole chain in the real Swarm',
    method: `The stack from docker-compose.yml (listener + proxy images, e2e harness), then ${o.services} labelled demo services created one after another (docker service create -d); the route is polled through the proxy's host port every 5 ms. "Task running" is Swarm's own timestamp of the task's running state. Then each service's com.df.serviceDomain is changed (docker service update --label-add, no task restart) and the new domain polled the same way, from Swarm's UpdatedAt of the service. The breakdown comes from the listener's own log lines (notification sent, proxy answered; same clock).`,
    figures: [
      {
        name: 'service create -> first task running (ms), Swarm alone',
        value: fmtDist(dist(createToRunning), '', 0),
        raw: createToRunning,
      },
      {
        name: 'service create -> route 200 (ms)',
        value: fmtDist(dist(createTo200), '', 0),
        raw: createTo200,
      },
      {
        name: 'first task running -> route 200, p95 (ms)',
        value: fmtP95(r),
        target: '<= 100',
        pass: r.p95 <= 100,
        raw: runningTo200,
      },
      ...parts('running', bc),
      {
        name: 'label update -> new route 200, p95 (ms)',
        value: fmtP95(u),
        target: '<= 100',
        pass: u.p95 <= 100,
        raw: updateTo200,
      },
      ...parts('update', bu),
    ],
    notes: [
      'Upstream (Docker Flow Proxy + Swarm Listener) measured on this kind of machine: about 1.0 s from running to routable, 1.6 s median from create (DESIGN.md section 9).',
      ...[
        { what: 'first task running -> route 200', d: r, b: bc },
        { what: 'label update -> new route 200', d: u, b: bu },
      ]
        .filter((x) => !(x.d.p95 <= 100))
        .map(
          (x) =>
            `MISS ${x.what}: what limits it (medians of the breakdown): listener ${med(x.b.listener)} ms (Docker event -> notification sent), proxy ${med(x.b.proxy)} ms (notification -> answered: distribute to tasks.<SERVICE_NAME>, render, haproxy -c, reload), data plane ${med(x.b.dataPlane)} ms. Tried on the listener side: the container-start event short-cuts the 50 ms task poll, per-service work is serialized but never queued behind other services; the proxy part is the reload path of issue 15's hot-path work (section 3 measures it alone).`,
        ),
    ],
  };
}
