import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createConnection, createServer as createNetServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, freePort, REPO_ROOT, startProcess, type Started } from '@flowproxy/testkit';

export const TEST_IMAGE = 'flowproxy/listener-test:latest';

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

  async start(): Promise<void> {
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

/** The listener as users run it outside a container: `node apps/swarm-listener/dist/main.js`. */
export function startListener(env: Record<string, string>, logFile: string): Started {
  const main = join(REPO_ROOT, 'apps/swarm-listener/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return startProcess(process.execPath, [main], {
    logFile,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SECRETS_DIR: join(tmpdir(), 'no-secrets'), ...env },
  });
}
