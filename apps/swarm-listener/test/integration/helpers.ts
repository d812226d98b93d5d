import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createConnection, createServer as createNetServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { createLogger } from '@flowproxy/runtime';
import {
  docker,
  eventually,
  freePort,
  REPO_ROOT,
  startProcess,
  TEST_NOTIFY_LABEL,
  type Started,
} from '@flowproxy/testkit';
import { createListener, type ListenerHandle } from '../../src/app/create-listener.js';
import { loadListenerConfig } from '../../src/env.js';

export const TEST_IMAGE = 'flowproxy/listener-test:latest';
export const CREATE = '/v1/docker-flow-proxy/reconfigure';
export const REMOVE = '/v1/docker-flow-proxy/remove';
const NO_SECRETS = join(tmpdir(), 'no-secrets');

/** A tiny image whose tasks run at once (tini + sleep); built from the offline base, no network. */
export async function buildTestImage(): Promise<void> {
  const base = await docker('images', '-q', 'flowproxy/base:bookworm');
  if (!base) execFileSync('bash', [join(REPO_ROOT, 'docker/base/build-base.sh')], { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'listener-image-'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM flowproxy/base:bookworm\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["sleep", "infinity"]\n',
  );
  try {
    await docker('build', '-q', '-t', TEST_IMAGE, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Recorded {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  /** Status answered, or 0 when the connection was reset. */
  readonly status: number;
  readonly authorization?: string;
}

/**
 * A notification receiver that records every request. Per serviceName it can answer a scripted
 * sequence of statuses, or reset connections while the name is `blocked` (receiver down).
 */
export class Recorder {
  readonly requests: Recorded[] = [];
  readonly plans = new Map<string, number[]>();
  readonly blocked = new Set<string>();
  private server!: Server;
  port = 0;

  /** Listens on a free port; once: a started Recorder stays as it is. */
  async start(): Promise<void> {
    if (this.port !== 0) return;
    this.port = await freePort();
    this.server = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const params = Object.fromEntries(url.searchParams);
      const name = params.serviceName ?? '';
      const base = {
        at: Date.now(),
        method: req.method ?? '',
        path: url.pathname,
        params,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      };
      if (this.blocked.has(name)) {
        this.requests.push({ ...base, status: 0 });
        req.socket.destroy();
        return;
      }
      const status = this.plans.get(name)?.shift() ?? 200;
      this.requests.push({ ...base, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          status < 300 ? { Status: 'OK' } : { Status: 'NOK', Message: `scripted ${status} for ${name}` },
        ),
      );
    });
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  for(name: string, path?: string): Recorded[] {
    return this.requests.filter(
      (r) => r.params.serviceName === name && (path === undefined || r.path === path),
    );
  }

  /** Requests answered with success (2xx or 409). */
  delivered(name: string, path?: string): Recorded[] {
    return this.for(name, path).filter((r) => (r.status >= 200 && r.status < 300) || r.status === 409);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * TCP -> /var/run/docker.sock forwarder: the listener talks to Docker through it, so a test can
 * cut its connections (event stream included) without touching the shared engine.
 */
export class DockerSocketProxy {
  private readonly sockets = new Set<Socket>();
  private server = createNetServer((client) => {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = createConnection('/var/run/docker.sock');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  down = false;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }

  /** Drops every open connection and refuses new ones until `up()`. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  up(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * The listener as users run it outside a container: `node apps/swarm-listener/dist/main.js`. It
 * follows TEST_NOTIFY_LABEL unless `env` names another DF_NOTIFY_LABEL.
 */
export function startListener(env: Record<string, string>, logFile: string): Started {
  const main = join(REPO_ROOT, 'apps/swarm-listener/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return startProcess(process.execPath, [main], {
    logFile,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SECRETS_DIR: NO_SECRETS,
      DF_NOTIFY_LABEL: TEST_NOTIFY_LABEL,
      ...env,
    },
  });
}

export interface RecordedListener {
  readonly rec: Recorder;
  readonly proc: Started;
  readonly port: number;
  /** URL of one of its API endpoints, e.g. `api('get-services')`. */
  api(path: string): string;
  stop(): Promise<void>;
}

export interface RecordedListenerOptions {
  readonly logFile: string;
  /** Added to (and overriding) the defaults: service notifications to `rec`, retries 0.1 s apart. */
  readonly env?: Record<string, string>;
  /** The receiver, when the test scripts it before start; a new one otherwise. */
  readonly rec?: Recorder;
  /** The endpoint that answers 200 once the listener is up (default get-services); null: don't wait. */
  readonly readyOn?: string | null;
}

/** startListener() notifying a Recorder of its own, on a free API port, up when this resolves. */
export async function startRecordedListener(opts: RecordedListenerOptions): Promise<RecordedListener> {
  const rec = opts.rec ?? new Recorder();
  await rec.start();
  const port = await freePort();
  const proc = startListener(
    {
      DF_NOTIFY_CREATE_SERVICE_URL: rec.url(CREATE),
      DF_NOTIFY_REMOVE_SERVICE_URL: rec.url(REMOVE),
      DF_RETRY_INTERVAL: '0.1',
      API_PORT: String(port),
      ...opts.env,
    },
    opts.logFile,
  );
  const api = (path: string): string => `http://127.0.0.1:${port}/v1/docker-flow-swarm-listener/${path}`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    await rec.stop();
  };
  const readyOn = opts.readyOn === undefined ? 'get-services' : opts.readyOn;
  if (readyOn !== null) {
    // A slow start on a loaded machine is not what these tests are about: wait generously.
    await eventually(async () => expect((await fetch(api(readyOn))).status).toBe(200), {
      timeoutMs: 30000,
    }).catch(async (e: unknown) => {
      await stop();
      throw e;
    });
  }
  return { rec, proc, port, api, stop };
}

/**
 * The whole listener in this process through its composition root, silent, not started yet. It
 * follows TEST_NOTIFY_LABEL unless `env` says otherwise (`DF_NOTIFY_LABEL: undefined`: the default).
 */
export function inProcessListener(env: Record<string, string | undefined>): ListenerHandle {
  const cfg = loadListenerConfig(
    { DF_NOTIFY_LABEL: TEST_NOTIFY_LABEL, DF_RETRY_INTERVAL: '0.1', ...env },
    NO_SECRETS,
  );
  return createListener(cfg, { logger: createLogger('swarm-listener', { silent: true }) });
}

/** `--label name=value` arguments of `docker service create`. */
export const labelArgs = (labels: Readonly<Record<string, string>>): string[] =>
  Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);

/** Labels of a service the test listeners notify and a running demo's listener ignores. */
export const notified = (labels: Readonly<Record<string, string>>): string[] =>
  labelArgs({ [TEST_NOTIFY_LABEL]: 'true', ...labels });

/**
 * The Swarm services a test file creates from TEST_IMAGE (detached, no registry lookup, dnsrr so
 * no VIP to allocate); removeAll() in afterAll removes every one.
 */
export class TestServices {
  private readonly names: string[] = [];

  async create(name: string, args: readonly string[]): Promise<void> {
    this.names.push(name);
    await docker(
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--endpoint-mode',
      'dnsrr',
      '--name',
      name,
      ...args,
      TEST_IMAGE,
    );
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.names.map((n) => docker('service', 'rm', n).catch(() => undefined)));
  }
}

/** A temporary folder for logs; KEEP_LISTENER_LOG=1 keeps it (and says where) for debugging. */
export class LogDir {
  readonly path: string;

  constructor(prefix: string) {
    this.path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  remove(): void {
    if (process.env.KEEP_LISTENER_LOG) console.log(`listener logs kept in ${this.path}`);
    else rmSync(this.path, { recursive: true, force: true });
  }
}
