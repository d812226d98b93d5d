import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Docker Engine for the listener at a scale this machine cannot run (10,000 Swarm services
 * with a task each): a real HTTP server speaking the subset of the Engine API the listener uses
 * (service list/inspect, task list with filters, node list, container inspect, the event stream).
 * The JSON is shaped like dockerd 20.10's: the objects are a real `docker service inspect` / task
 * listing of a labelled service on this machine, with IDs, names and labels varied, so the listener
 * parses as many bytes per service as it would against the real engine. Bench only: tests talk to
 * the real dockerd.
 */
export interface FakeDocker {
  /** DOCKER_HOST for the listener. */
  readonly host: string;
  /** Requests served, by route (`GET /services`, ...). */
  readonly requests: Map<string, number>;
  /** Called as each `GET /services` (a reconcile's listing) arrives. */
  onList: (() => void) | undefined;
  /** Changes one service's labels (Version.Index moves on) and sends its `update` event. */
  updateLabels(i: number, labels: Record<string, string>): void;
  stop(): Promise<void>;
}

export interface FakeDockerOptions {
  readonly services: number;
  readonly notifyLabel: string;
}

const NETWORK_ID = 'q3h8rm4wqjensanjzdsj3gnss';
const NODE_ID = 'q52pgcr973mye7wsfvz6n21xb';
const CREATED = '2026-12-01T22:24:28.56714963Z';

/** A 25-character ID like Swarm's, distinct per kind and index. */
const swarmId = (kind: string, i: number): string =>
  `${kind}${i.toString(36).padStart(25 - kind.length, '0')}`;

/** Routing labels of service i: half path services, half domain services (as the 10,000). */
function routingLabels(i: number, notifyLabel: string): Record<string, string> {
  return {
    [notifyLabel]: 'true',
    'com.df.port': '8080',
    ...(i % 2 === 0 ? { 'com.df.servicePath': `/s${i}` } : { 'com.df.serviceDomain': `d${i}.bench.test` }),
    'com.docker.stack.namespace': 'fake',
  };
}

function serviceJson(i: number, version: number, labels: Record<string, string>): object {
  return {
    ID: swarmId('svc', i),
    Version: { Index: version },
    CreatedAt: CREATED,
    UpdatedAt: CREATED,
    Spec: {
      Name: `fake_s${i}`,
      Labels: labels,
      TaskTemplate: {
        ContainerSpec: {
          Image:
            'flowproxy/demo:latest@sha256:5606649da80e2d1c9f1f8b8f0f2f5a6c0e2b1c3d4e5f60718293a4b5c6d7e8f9',
          Labels: { 'com.docker.stack.namespace': 'fake' },
          Env: ['NODE_ENV=production', `SERVICE_INDEX=${i}`, 'LOG_LEVEL=info'],
          Init: false,
          StopGracePeriod: 10000000000,
          DNSConfig: {},
          Isolation: 'default',
        },
        Resources: { Limits: {}, Reservations: {} },
        RestartPolicy: { Condition: 'any', Delay: 5000000000, MaxAttempts: 0 },
        Placement: { Platforms: [{ Architecture: 'amd64', OS: 'linux' }] },
        Networks: [{ Target: NETWORK_ID, Aliases: [`s${i}`] }],
        ForceUpdate: 0,
        Runtime: 'container',
      },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: {
        Parallelism: 1,
        FailureAction: 'pause',
        Monitor: 5000000000,
        MaxFailureRatio: 0,
        Order: 'stop-first',
      },
      RollbackConfig: {
        Parallelism: 1,
        FailureAction: 'pause',
        Monitor: 5000000000,
        MaxFailureRatio: 0,
        Order: 'stop-first',
      },
      EndpointSpec: { Mode: 'dnsrr' },
    },
    Endpoint: { Spec: {} },
  };
}

function taskJson(i: number): object {
  return {
    ID: swarmId('task', i),
    Version: { Index: 143 },
    CreatedAt: CREATED,
    UpdatedAt: CREATED,
    Labels: {},
    Spec: {
      ContainerSpec: { Image: 'flowproxy/demo:latest', Init: false, DNSConfig: {}, Isolation: 'default' },
      Resources: { Limits: {}, Reservations: {} },
      Placement: {},
      Networks: [{ Target: NETWORK_ID }],
      ForceUpdate: 0,
    },
    ServiceID: swarmId('svc', i),
    Slot: 1,
    NodeID: NODE_ID,
    Status: {
      Timestamp: CREATED,
      State: 'running',
      Message: 'started',
      ContainerStatus: { ContainerID: swarmId('ctr', i).padEnd(64, '0'), PID: 1000 + i, ExitCode: 0 },
      PortStatus: {},
    },
    DesiredState: 'running',
    NetworksAttachments: [
      {
        Network: {
          ID: NETWORK_ID,
          Version: { Index: 136 },
          CreatedAt: CREATED,
          UpdatedAt: CREATED,
          Spec: {
            Name: 'fake-net',
            Labels: {},
            DriverConfiguration: { Name: 'overlay' },
            Attachable: true,
            IPAMOptions: { Driver: { Name: 'default' } },
            Scope: 'swarm',
          },
          DriverState: {
            Name: 'overlay',
            Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4098' },
          },
          IPAMOptions: {
            Driver: { Name: 'default' },
            Configs: [{ Subnet: '10.0.0.0/16', Gateway: '10.0.0.1' }],
          },
        },
        Addresses: [`10.0.${(i >> 8) & 255}.${i & 255}/16`],
      },
    ],
  };
}

const NODE = {
  ID: NODE_ID,
  Version: { Index: 141 },
  CreatedAt: CREATED,
  UpdatedAt: CREATED,
  Spec: { Labels: {}, Role: 'manager', Availability: 'active' },
  Description: {
    Hostname: 'fake',
    Platform: { Architecture: 'x86_64', OS: 'linux' },
    Engine: { EngineVersion: '20.10.24+dfsg1' },
  },
  Status: { State: 'ready', Addr: '127.0.0.1' },
  ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '127.0.0.1:2377' },
};

/** `filters` as docker-modem sends it: `{"service":["a"]}` or `{"service":{"a":true}}`. */
function filterValues(query: URLSearchParams, key: string): string[] | undefined {
  const raw = query.get('filters');
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean> | undefined>;
  const v = parsed[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : Object.keys(v);
}

export async function startFakeDocker(o: FakeDockerOptions): Promise<FakeDocker> {
  const versions = Array.from({ length: o.services }, () => 137);
  const labels = Array.from({ length: o.services }, (_, i) => routingLabels(i, o.notifyLabel));
  const index = new Map(Array.from({ length: o.services }, (_, i) => [swarmId('svc', i), i]));
  const requests = new Map<string, number>();
  let listing: Buffer | undefined;
  const streams = new Set<ServerResponse>();
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  const fake: FakeDocker = {
    host: '',
    requests,
    onList: undefined,
    updateLabels(i, next) {
      labels[i] = { ...routingLabels(i, o.notifyLabel), ...next };
      listing = undefined;
      versions[i] = (versions[i] ?? 137) + 1;
      const ev = {
        Type: 'service',
        Action: 'update',
        Actor: { ID: swarmId('svc', i), Attributes: { name: `fake_s${i}` } },
        scope: 'swarm',
        time: Math.floor(Date.now() / 1000),
        timeNano: Date.now() * 1e6,
      };
      for (const s of streams) s.write(JSON.stringify(ev) + '\n');
    },
    stop: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const route = `${req.method ?? 'GET'} ${path.replace(/^\/(services|containers)\/[^/]+/, '/$1/{id}')}`;
    requests.set(route, (requests.get(route) ?? 0) + 1);
    if (path === '/_ping') return void res.end('OK');
    if (path === '/services') {
      fake.onList?.();
      // Serialized once per change: a 13 MB JSON.stringify would stall this process (which also
      // times the listener's notifications) for most of a second on every listing.
      listing ??= Buffer.from(
        JSON.stringify(labels.map((l, i) => serviceJson(i, versions[i] ?? 137, l))) + '\n',
      );
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(listing);
    }
    let m = /^\/services\/([^/]+)$/.exec(path);
    if (m?.[1] !== undefined) {
      const i = index.get(m[1]);
      if (i === undefined) return send(res, 404, { message: `service ${m[1]} not found` });
      return send(res, 200, serviceJson(i, versions[i] ?? 137, labels[i] ?? {}));
    }
    if (path === '/tasks') {
      const only = filterValues(url.searchParams, 'service');
      const ids = only ? only.flatMap((id) => index.get(id) ?? []) : labels.map((_, i) => i);
      return send(res, 200, ids.map(taskJson));
    }
    if (path === '/nodes') return send(res, 200, [NODE]);
    m = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (m?.[1] !== undefined)
      return send(res, 200, { Id: m[1], Config: { Healthcheck: { Test: ['NONE'] } } });
    if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    send(res, 404, { message: `page not found: ${path}` });
  };
  // A task filter naming 10,000 services is a ~350 KB URL; dockerd (Go) accepts 1 MB of headers.
  const server: Server = createServer({ maxHeaderSize: 1 << 20 }, handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, { host: `tcp://127.0.0.1:${port}` });
}
