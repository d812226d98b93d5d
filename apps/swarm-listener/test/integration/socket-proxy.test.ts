import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { join } from 'node:path';
import axios from 'axios';
import {
  docker,
  ensureSwarm,
  eventually,
  freePort,
  HAPROXY_BIN,
  REPO_ROOT,
  sleep,
  startProcess,
  TEST_NOTIFY_LABEL,
  type Started,
} from '@flowproxy/testkit';
import {
  buildTestImage,
  CREATE,
  LogDir,
  notified,
  Recorder,
  startRecordedListener,
  TEST_IMAGE,
  TestServices,
  type RecordedListener,
} from './helpers.js';

// The listener through the least-privilege Docker socket proxy the repository ships
// (docker/socket-proxy/haproxy.cfg, run as is by a real HAProxy in front of the real socket):
// everything the listener does works (services, events, tasks, nodes, container healthchecks),
// no request of it is refused, and write calls through the same filter are refused with 403.
const RUN = `fpl-sp-${process.pid.toString(36)}`;
const PROFILE = join(REPO_ROOT, 'docker/socket-proxy/haproxy.cfg');
const logs = new LogDir('listener-sp');
const services = new TestServices();
let filterPort: number;
let filter: Started;
let listener: RecordedListener;

const through = (path: string) => `http://127.0.0.1:${filterPort}${path}`;
const api = (path: string): string => listener.api(path);
/** The filter's request log: "<client> <method> <uri> <status>" per request. */
const requests = () =>
  filter
    .log()
    .split('\n')
    .filter((l) => /^\S+ [A-Z]+ \S+ \d{3}$/.test(l));

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  filterPort = await freePort();
  filter = startProcess(HAPROXY_BIN, ['-db', '-f', PROFILE], {
    logFile: logs.file('socket-proxy.log'),
    env: {
      ...process.env,
      SOCKET_PROXY_BIND: `127.0.0.1:${filterPort}`,
      DOCKER_SOCKET: '/var/run/docker.sock',
    },
  });
  await eventually(async () => expect((await axios.get(through('/_ping'))).status).toBe(200), {
    timeoutMs: 10000,
  });
  // The node URL is the receiver's too, known only once it listens: start it first.
  const rec = new Recorder();
  await rec.start();
  listener = await startRecordedListener({
    rec,
    env: {
      DOCKER_HOST: `tcp://127.0.0.1:${filterPort}`,
      // Every feature on, so every Docker call the listener can make goes through the filter.
      DF_NOTIFY_CREATE_NODE_URL: rec.url('/node/create'),
      DF_INCLUDE_NODE_IP_INFO: 'true',
    },
    logFile: logs.file('listener.log'),
  });
}, 120_000);

afterAll(async () => {
  await services.removeAll();
  await listener?.stop();
  await filter?.stop();
  logs.remove();
}, 60_000);

describe('the listener through the least-privilege Docker socket proxy', () => {
  it('notifies a labelled service (with a healthcheck) and its node; the filter refused none of its calls', async () => {
    const name = `${RUN}-svc`;
    await services.create(name, [
      ...notified({ 'com.df.servicePath': '/sp', 'com.df.port': '8080' }),
      ...['--health-cmd', 'true', '--health-interval', '1s'],
    ]);
    await eventually(() => expect(listener.rec.delivered(name, CREATE)).toHaveLength(1), {
      timeoutMs: 60000,
    });
    expect(listener.rec.for(name)[0]!.params).toMatchObject({
      serviceName: name,
      servicePath: '/sp',
      port: '8080',
    });
    expect(listener.rec.requests.some((r) => r.path === '/node/create' && r.status === 200)).toBe(true);
    expect((await axios.get(api('get-nodes'))).data).not.toEqual([]);

    const log = requests();
    const paths = new Set(
      log.map((l) =>
        l
          .split(' ')[2]!
          .replace(/\?.*$/, '')
          .replace(/[0-9a-f]{64}|[0-9a-z]{25}/g, '<id>'),
      ),
    );
    console.log(`Docker API calls of the listener: ${[...paths].sort().join(', ')}`);
    for (const p of ['/services', '/services/<id>', '/tasks', '/nodes', '/events'])
      expect(paths).toContain(p);
    expect(log.filter((l) => l.endsWith(' 403'))).toEqual([]);
  }, 120_000);

  it('refuses writes and reads the listener does not need with 403', async () => {
    const name = `${RUN}-forbidden`;
    const spec = {
      Name: name,
      TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE } },
      Labels: { [TEST_NOTIFY_LABEL]: 'true' },
    };
    const status = async (method: string, path: string, data?: unknown): Promise<number> =>
      (await axios.request({ method, url: through(path), data, validateStatus: () => true })).status;

    expect(await status('POST', '/services/create', spec)).toBe(403);
    expect(await status('POST', '/v1.41/services/create', spec)).toBe(403);
    expect(await status('POST', '/containers/create', { Image: TEST_IMAGE })).toBe(403);
    expect(await status('DELETE', '/services/anything')).toBe(403);
    expect(await status('POST', '/swarm/leave?force=true')).toBe(403);
    expect(await status('GET', '/secrets')).toBe(403);
    expect(await status('GET', '/containers/json')).toBe(403);
    expect(await status('GET', '/services/x/logs')).toBe(403);
    expect(await status('GET', '/info')).toBe(403);
    // The refused create really did nothing.
    await sleep(500);
    await expect(docker('service', 'inspect', name)).rejects.toThrow(/no such service|not found/i);
    // Reads it allows still answer.
    expect(await status('GET', '/v1.41/services')).toBe(200);
  }, 60_000);
});
