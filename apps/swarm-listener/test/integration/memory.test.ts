import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, REPO_ROOT, TEST_NOTIFY_LABEL, type Started } from '@flowproxy/testkit';
import { startListener } from './helpers.js';

// The memory profile (src/memory.ts, @flowproxy/runtime/memory) in the real process: a fake Docker
// API on a unix socket lists SERVICES labelled services with a running task each, so the listener
// notifies them all at once on start, the way a full resync of a big cluster does.
const SERVICES = 300;
const MAX_IN_FLIGHT = 128;

const services = Array.from({ length: SERVICES }, (_, i) => ({
  ID: `svc${i}id`,
  Version: { Index: 100 + i },
  Spec: {
    Name: `mem-${i}`,
    Labels: { [TEST_NOTIFY_LABEL]: 'true', 'com.df.servicePath': `/mem-${i}/`, 'com.df.port': '8080' },
    Mode: { Replicated: { Replicas: 1 } },
  },
}));

function fakeDocker(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v[0-9.]+/, '');
    res.setHeader('content-type', 'application/json');
    if (path === '/services') return void res.end(JSON.stringify(services));
    if (path.startsWith('/services/')) {
      const s = services.find((x) => x.ID === path.split('/')[2]);
      res.statusCode = s ? 200 : 404;
      return void res.end(JSON.stringify(s ?? { message: 'no such service' }));
    }
    if (path === '/tasks') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { service?: string[] };
      const tasks = (filters.service ?? []).map((id, i) => ({
        ID: `t${i}`,
        ServiceID: id,
        Status: { State: 'running' },
      }));
      return void res.end(JSON.stringify(tasks));
    }
    if (path === '/nodes') return void res.end('[]');
    if (path === '/events') return void res.writeHead(200).flushHeaders();
    res.statusCode = 404;
    res.end('{"message":"not faked"}');
  });
}

/** Answers every notification after a short hold, so requests overlap and the in-flight peak shows. */
class Receiver {
  readonly names = new Set<string>();
  inFlight = 0;
  peak = 0;
  port = 0;
  private readonly server = createServer((req, res) => {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('serviceName') ?? '';
    setTimeout(() => {
      this.inFlight--;
      this.names.add(name);
      res.end('{"Status":"OK"}');
    }, 30);
  });

  async start(): Promise<void> {
    this.port = await freePort();
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

describe('listener memory profile', () => {
  let dir: string;
  let docker: Server;
  const receiver = new Receiver();
  let listener: Started;
  let apiPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'listener-memory-'));
    docker = fakeDocker();
    const sock = join(dir, 'docker.sock');
    await new Promise<void>((r) => docker.listen(sock, r));
    await receiver.start();
    apiPort = await freePort();
    listener = startListener(
      {
        API_PORT: String(apiPort),
        DF_DOCKER_HOST: `unix://${sock}`,
        DF_NOTIFY_CREATE_SERVICE_URL: `http://127.0.0.1:${receiver.port}/v1/docker-flow-proxy/reconfigure`,
        DF_NOTIFY_REMOVE_SERVICE_URL: `http://127.0.0.1:${receiver.port}/v1/docker-flow-proxy/remove`,
      },
      join(dir, 'listener.log'),
    );
  });

  afterAll(async () => {
    await listener?.stop();
    await receiver.stop();
    docker.closeAllConnections();
    await new Promise<void>((r) => docker.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`notifies ${SERVICES} services with at most ${MAX_IN_FLIGHT} requests in flight, and stays small`, async () => {
    await eventually(
      () => {
        expect(receiver.names.size).toBe(SERVICES);
      },
      { timeoutMs: 30000, intervalMs: 100 },
    );
    expect(receiver.peak).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(receiver.peak).toBeGreaterThan(1);
    const res = await fetch(`http://127.0.0.1:${apiPort}/v1/docker-flow-swarm-listener/get-services`);
    expect(((await res.json()) as unknown[]).length).toBe(SERVICES);
    // Measured: ~70 MB with the profile, ~103 MB with the same limit but without its V8 flags.
    expect(rssMb(listener.pid)).toBeLessThan(80);
  });

  it('logs the V8 flags it set and the modules it deferred', () => {
    const started = listener
      .log()
      .split('\n')
      .filter((l) => l.includes('swarm listener started'))
      .map((l) => JSON.parse(l) as { memory?: { v8Flags: string[]; deferredModules: string[] } })[0];
    expect(started?.memory?.v8Flags).toEqual([
      '--no-opt',
      '--optimize-for-size',
      '--semi-space-growth-factor=1',
    ]);
    expect(started?.memory?.deferredModules).toEqual(
      expect.arrayContaining(['dockerode > ./session', 'dockerode > docker-modem > ./ssh']),
    );
  });

  it('a deferred module is not loaded by its parent and loads, whole, on first use', () => {
    // Node's own require cache (jest replaces it in-process): run the check in a plain node.
    const script = `
      import { createRequire } from 'node:module';
      import { deferModules } from '@flowproxy/runtime/memory';
      const require = createRequire(import.meta.url);
      const has = (p) => Object.keys(require.cache).some((f) => f.includes(p));
      const out = { deferred: deferModules(import.meta.url, [
        { chain: ['dockerode', './session'], kind: 'function' },
        { chain: ['dockerode', 'tar-fs'], kind: 'object' },
        { chain: ['axios', 'form-data'], kind: 'function' },
        { chain: ['dockerode', './no-such-file'], kind: 'function' },
      ]) };
      const Docker = require('dockerode');
      out.socketPath = new Docker({ socketPath: '/nowhere.sock' }).modem.socketPath;
      out.grpcAfterDockerode = has('/@grpc/grpc-js/');
      out.tarStreamBefore = has('/tar-stream/');
      const tar = require('tar-fs');
      out.tarType = typeof tar;
      out.packType = typeof tar.pack;
      out.tarStreamAfter = has('/tar-stream/');
      out.realCachedAfterUse = require('tar-fs') !== tar && require('tar-fs').pack === tar.pack;
      const Stand = require('form-data');
      out.formType = typeof Stand;
      const form = new Stand();
      form.append('a', 'b');
      out.instanceOfReal = form instanceof require('form-data');
      out.again = deferModules(import.meta.url, [{ chain: ['dockerode', 'tar-fs'], kind: 'object' }]);
      console.log(JSON.stringify(out));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(REPO_ROOT, 'apps/swarm-listener'),
        encoding: 'utf8',
      }),
    ) as Record<string, unknown>;
    expect(out).toEqual({
      deferred: ['dockerode > ./session', 'dockerode > tar-fs', 'axios > form-data'],
      socketPath: '/nowhere.sock',
      grpcAfterDockerode: false,
      tarStreamBefore: false,
      tarType: 'object',
      packType: 'function',
      tarStreamAfter: true,
      realCachedAfterUse: true,
      formType: 'function',
      instanceOfReal: true,
      again: [],
    });
  });
});
