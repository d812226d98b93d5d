import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@flowproxy/runtime';
import { alive, eventually, freePorts, startDns, type Dns } from '@flowproxy/testkit';
import { createProxy, type ProxyHandle } from '../../src/app/create-proxy.js';
import { loadProxyConfig } from '../../src/env.js';
import { api, http, startBackend, type Backend } from './support.js';

// The whole proxy in this process through its composition root (no `node dist/main.js`), against a
// real HAProxy: what a test needs to drive the app end to end without a child process.
jest.setTimeout(30000);

let root: string;
let dns: Dns;
let backend: Backend;
let proxy: ProxyHandle;
let apiPort = 0;
let httpPort = 0;
let backendPort = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'flowproxy-inproc-'));
  [apiPort, httpPort, backendPort] = (await freePorts(3)) as [number, number, number];
  dns = await startDns({ 'tasks.inproc': ['127.0.0.2'] });
  backend = await startBackend('inproc', '127.0.0.2', backendPort);
  const cfg = loadProxyConfig({
    PATH: process.env.PATH,
    API_PORT: String(apiPort),
    DEFAULT_PORTS: String(httpPort),
    CONFIG_DIR: join(root, 'cfg'),
    RUNTIME_DIR: join(root, 'run'),
    SECRETS_DIR: join(root, 'secrets'),
    CERTS_DIR: join(root, 'certs'),
    RESOLVERS: `nameserver dns ${dns.address}`,
    PEERS: `127.0.0.1:${apiPort}`,
  });
  proxy = createProxy(cfg, {
    logger: createLogger('proxy', { silent: true }),
    envServices: [{ serviceName: 'pinned', servicePath: '/pinned', port: String(backendPort) }],
  });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await backend?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('createProxy', () => {
  it('has no side effect until start(): no address, no files', () => {
    expect(proxy.address).toBeUndefined();
    expect(existsSync(join(root, 'cfg'))).toBe(false);
  });

  it('start() serves the API, applies env services, and routes a reconfigured service through HAProxy', async () => {
    await proxy.start();
    expect(proxy.address?.port).toBe(apiPort);
    const base = `http://127.0.0.1:${apiPort}/v1/docker-flow-proxy`;
    const json = await api(base, 'config?type=json');
    expect(Object.keys(json.json.services as object)).toEqual(['pinned']);
    const r = await api(base, `reconfigure?serviceName=inproc&servicePath=/demo&port=${backendPort}`);
    expect(r.status).toBe(200);
    await eventually(async () => {
      const res = await http(`http://127.0.0.1:${httpPort}/demo/hello`);
      expect(res.body).toBe('inproc GET /demo/hello');
    });
  });

  it('stop() closes the API and stops the HAProxy it started', async () => {
    const pid = Number(readFileSync(join(root, 'run', 'haproxy.pid'), 'utf8').trim());
    expect(alive(pid)).toBe(true);
    await proxy.stop();
    await eventually(() => expect(alive(pid)).toBe(false));
    await expect(fetch(`http://127.0.0.1:${apiPort}/v1/docker-flow-proxy/ping`)).rejects.toThrow();
  });
});
