import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import axios from 'axios';
import { parseServiceSpec } from '@flowproxy/protocol';
import { docker, ensureSwarm, eventually } from '@flowproxy/testkit';
import {
  buildTestImage,
  CREATE,
  LogDir,
  notified,
  startRecordedListener,
  TestServices,
  type RecordedListener,
} from './helpers.js';

// DF_INCLUDE_NODE_IP_INFO=true against the real Swarm: a service labelled com.df.scrapeNetwork
// carries upstream's nodeInfo (hostname, task address on that network, node ID) in its
// notifications and in get-services, and it follows the service's tasks.
const RUN = `fpl-ni-${process.pid.toString(36)}`;
const NET = `${RUN}-net`;
const logs = new LogDir('listener-ni');
const services = new TestServices();
let listener: RecordedListener;

const api = (path: string): string => listener.api(path);
const create = (name: string, args: string[]): Promise<void> => services.create(name, args);

/** What Docker itself says: [hostname, address on NET, node ID] of each running task, sorted. */
async function expectedNodeInfo(name: string): Promise<string[][]> {
  const ids = (await docker('service', 'ps', '-q', '--filter', 'desired-state=running', name))
    .split('\n')
    .filter(Boolean);
  const out: string[][] = [];
  for (const id of ids) {
    const line = await docker(
      'inspect',
      '-f',
      `{{.NodeID}} {{.Status.State}} {{range .NetworksAttachments}}{{if eq .Network.Spec.Name "${NET}"}}{{index .Addresses 0}}{{end}}{{end}}`,
      id,
    );
    const [nodeId, state, cidr] = line.split(' ');
    if (state !== 'running' || !nodeId || !cidr) continue;
    const hostname = await docker('node', 'inspect', '-f', '{{.Description.Hostname}}', nodeId);
    out.push([hostname, cidr.split('/')[0]!, nodeId]);
  }
  return out.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  await docker('network', 'create', '-d', 'overlay', NET);
  listener = await startRecordedListener({
    env: { DF_INCLUDE_NODE_IP_INFO: 'true' },
    logFile: logs.file('listener.log'),
  });
}, 120_000);

afterAll(async () => {
  await services.removeAll();
  await listener?.stop();
  // The network is removable once the services' tasks are gone.
  await eventually(() => docker('network', 'rm', NET), { timeoutMs: 30000 }).catch(() => undefined);
  logs.remove();
}, 60_000);

describe('DF_INCLUDE_NODE_IP_INFO=true against a real Swarm', () => {
  it('sends upstream nodeInfo for a com.df.scrapeNetwork service, follows scaling, and the proxy accepts it', async () => {
    const name = `${RUN}-scraped`;
    const plain = `${RUN}-plain`;
    const labels = notified({ 'com.df.servicePath': '/demo', 'com.df.port': '8080' });
    await create(plain, [...labels, '--network', NET]);
    await create(name, [...labels, '--label', `com.df.scrapeNetwork=${NET}`, '--network', NET]);

    // Tasks on an overlay network take a while to start on a busy machine.
    await eventually(() => expect(listener.rec.delivered(name, CREATE).length).toBeGreaterThan(0), {
      timeoutMs: 60000,
    });
    const first = listener.rec.delivered(name, CREATE)[0]!.params;
    const one = await expectedNodeInfo(name);
    expect(one).toHaveLength(1);
    expect(JSON.parse(first.nodeInfo ?? 'null')).toEqual(one);
    expect(first.scrapeNetwork).toBe(NET);
    await eventually(() => expect(listener.rec.delivered(plain, CREATE).length).toBeGreaterThan(0), {
      timeoutMs: 60000,
    });
    expect(listener.rec.delivered(plain, CREATE)[0]!.params.nodeInfo).toBeUndefined();

    // What the proxy receives parses (nodeInfo is accepted, and not used for routing).
    const parsed = parseServiceSpec(first);
    expect(parsed.ok).toBe(true);

    // Two replicas: a second task, a second entry; re-sent, and in get-services.
    await docker('service', 'update', '-d', '--replicas', '2', name);
    await eventually(
      async () => {
        const two = await expectedNodeInfo(name);
        expect(two).toHaveLength(2);
        const last = listener.rec.delivered(name, CREATE).at(-1)!.params;
        expect(last.replicas).toBe('2');
        expect(JSON.parse(last.nodeInfo ?? 'null')).toEqual(two);
      },
      { timeoutMs: 60000 },
    );
    const listed = (await axios.get<Record<string, string>[]>(api('get-services'))).data;
    const entry = listed.find((p) => p.serviceName === name);
    expect(JSON.parse(entry?.nodeInfo ?? 'null')).toEqual(await expectedNodeInfo(name));
    expect(listed.find((p) => p.serviceName === plain)?.nodeInfo).toBeUndefined();
  }, 240_000);
});
