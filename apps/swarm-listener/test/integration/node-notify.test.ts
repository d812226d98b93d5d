import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import axios from 'axios';
import { docker, ensureSwarm, eventually, freePort, type Started } from '@flowproxy/testkit';
import { LogDir, Recorder, startListener, type Recorded } from './helpers.js';

// Node notifications against the real Swarm (this engine's own node), as upstream sends them:
// one listener follows node events only (polling an hour apart), the other polls every second
// with node events off. Both announce the node at start and again when a com.df.* node label is
// added and removed.
const RUN = `fpl-nn-${process.pid.toString(36)}`;
const LABEL = 'com.df.flowproxyTest';
let logs: LogDir;
let selfId: string;
const byEvents = { rec: new Recorder(), listener: null as Started | null, port: 0 };
const byPolling = { rec: new Recorder(), listener: null as Started | null, port: 0 };

const creates = (rec: Recorder): Recorded[] =>
  rec.requests.filter((r) => r.path === '/node/create' && r.params.id === selfId && r.status === 200);

async function expectedParams(): Promise<Record<string, string>> {
  const f = await docker(
    'node',
    'inspect',
    '-f',
    '{{.ID}}|{{.Description.Hostname}}|{{.Status.Addr}}|{{.Status.State}}|{{.Spec.Role}}|{{.Spec.Availability}}',
    'self',
  );
  const [id, hostname, address, state, role, availability] = f.split('|');
  return {
    id: id!,
    hostname: hostname!,
    address: address!,
    state: state!,
    role: role!,
    availability: availability!,
  };
}

async function start(side: typeof byEvents, name: string, env: Record<string, string>): Promise<void> {
  await side.rec.start();
  side.port = await freePort();
  side.listener = startListener(
    {
      DF_NOTIFY_CREATE_NODE_URL: side.rec.url('/node/create'),
      DF_NOTIFY_REMOVE_NODE_URL: side.rec.url('/node/remove'),
      DF_RETRY: '5',
      DF_RETRY_INTERVAL: '0.2',
      API_PORT: String(side.port),
      ...env,
    },
    logs.file(`${name}.log`),
  );
}

beforeAll(async () => {
  ensureSwarm();
  selfId = await docker('info', '-f', '{{.Swarm.NodeID}}');
  logs = new LogDir('listener-nn');
  // The polling side's receiver fails twice first: node notifications are retried like services'.
  byPolling.rec.plans.set('', [503, 503]);
  await start(byEvents, 'events', { DF_USE_DOCKER_NODE_EVENTS: 'true', DF_NODE_POLLING_INTERVAL: '3600' });
  await start(byPolling, 'polling', { DF_USE_DOCKER_NODE_EVENTS: 'false', DF_NODE_POLLING_INTERVAL: '1' });
}, 60_000);

afterAll(async () => {
  await docker('node', 'update', '--label-rm', LABEL, selfId).catch(() => undefined);
  for (const side of [byEvents, byPolling]) {
    await side.listener?.stop();
    await side.rec.stop();
  }
  logs?.remove();
}, 60_000);

describe('node notifications against a real Swarm', () => {
  it('announce the node at start with upstream parameters, retrying a failing receiver', async () => {
    const expected = await expectedParams();
    for (const side of [byEvents, byPolling]) {
      await eventually(() => expect(creates(side.rec).length).toBeGreaterThan(0), { timeoutMs: 20000 });
      const first = creates(side.rec)[0]!;
      expect(first.method).toBe('GET');
      const { versionIndex, ...rest } = first.params;
      expect(rest).toEqual(expected);
      expect(Number(versionIndex)).toBeGreaterThan(0);
    }
    // Two 503s, then delivered, at /node/create of the polling side.
    const attempts = byPolling.rec.requests.filter((r) => r.path === '/node/create');
    expect(attempts.map((r) => r.status).slice(0, 3)).toEqual([503, 503, 200]);
    expect(readFileSync(logs.file('polling.log'), 'utf8')).toContain(
      `Sending node created notification to ${byPolling.rec.url('/node/create')}?`,
    );
  }, 60_000);

  it('a com.df.* node label added and removed is announced, by events and by polling; get-nodes shows it', async () => {
    const before = { ev: creates(byEvents.rec).length, poll: creates(byPolling.rec).length };
    await docker('node', 'update', '--label-add', `${LABEL}=${RUN}`, selfId);
    for (const [side, n] of [
      [byEvents, before.ev],
      [byPolling, before.poll],
    ] as const) {
      await eventually(
        () => {
          const last = creates(side.rec).at(-1)!;
          expect(creates(side.rec).length).toBeGreaterThan(n);
          expect(last.params.flowproxyTest).toBe(RUN);
        },
        { timeoutMs: 20000 },
      );
    }
    const nodes = (
      await axios.get<Record<string, string>[]>(
        `http://127.0.0.1:${byEvents.port}/v1/docker-flow-swarm-listener/get-nodes`,
      )
    ).data;
    expect(nodes.find((p) => p.id === selfId)?.flowproxyTest).toBe(RUN);

    const mid = { ev: creates(byEvents.rec).length, poll: creates(byPolling.rec).length };
    await docker('node', 'update', '--label-rm', LABEL, selfId);
    for (const [side, n] of [
      [byEvents, mid.ev],
      [byPolling, mid.poll],
    ] as const) {
      await eventually(
        () => {
          expect(creates(side.rec).length).toBeGreaterThan(n);
          expect(creates(side.rec).at(-1)!.params.flowproxyTest).toBeUndefined();
        },
        { timeoutMs: 20000 },
      );
    }
    // Nothing but creates for a node that stayed: no remove notification.
    for (const side of [byEvents, byPolling])
      expect(side.rec.requests.filter((r) => r.path === '/node/remove')).toEqual([]);
  }, 90_000);
});
