import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real HAProxy and control plane: the status page reads HAProxy's own server states.
jest.setTimeout(30000);

let dns: Dns;
let proxy: StartedProxy;
let guarded: StartedProxy;
let backend: Backend;
let port = 0;

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  dns = await startDns({ 'tasks.web': ['127.0.0.2'] });
  backend = await startBackend('web', '127.0.0.2', port);
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}` } });
  guarded = await startProxy({ env: { STATS_USER: 'ops', STATS_PASS: 'status-pw' } });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await guarded?.stop();
  await dns?.stop();
  await backend?.close();
});

interface Snapshot {
  routes: {
    serviceName: string;
    paths: string[];
    servers: { addr: string; up: boolean; status: string }[];
  }[];
  changes: { op: string; serviceName?: string; outcome: string; status: number; requestId?: string }[];
  problems: { serviceName: string; param: string }[];
  cluster: { peers: { self: boolean; node?: { hash: string } }[]; consistent: boolean };
  node: { hash: string; ready: boolean };
}

describe('status page on a running proxy', () => {
  it('shows the servers HAProxy resolved behind each route, and the changes that made them', async () => {
    const hostile = encodeURIComponent('/web/<script>x</script>');
    expect(
      (
        await api(
          proxy.apiUrl,
          `reconfigure?serviceName=web&servicePath=/web,${hostile}&port=${port}&replicas=1`,
        )
      ).status,
    ).toBe(200);
    expect(
      (await api(proxy.apiUrl, 'reconfigure?serviceName=bad&servicePath=/bad&port=notaport')).status,
    ).toBe(400);
    await eventually(
      async () => {
        const r = await api(proxy.apiUrl, 'status?type=json');
        const s = r.json as unknown as Snapshot;
        const web = s.routes.find((x) => x.serviceName === 'web');
        expect(web?.servers).toEqual([expect.objectContaining({ addr: `127.0.0.2:${port}`, up: true })]);
        expect(s.problems).toEqual([expect.objectContaining({ serviceName: 'bad', param: 'port' })]);
        expect(s.changes.slice(0, 2).map((c) => [c.serviceName, c.outcome])).toEqual([
          ['bad', 'invalid'],
          ['web', 'applied'],
        ]);
        expect(s.cluster.consistent).toBe(true);
        expect(s.cluster.peers[0]?.node?.hash).toBe(s.node.hash);
      },
      { timeoutMs: 15000 },
    );
    const page = await http(`http://127.0.0.1:${proxy.apiPort}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<code>/web/&lt;script&gt;x&lt;/script&gt;</code>');
    expect(page.body).toContain(`data-addr="127.0.0.2:${port}"`);
  });

  it('logs a change under the X-Request-Id it came with, on the reconfigure and on the reload that applied it', async () => {
    const r = await api(proxy.apiUrl, `reconfigure?serviceName=traced&servicePath=/traced&port=${port}`, {
      headers: { 'X-Request-Id': 'trace-0001' },
    });
    expect(r.status).toBe(200);
    expect(r.headers['x-request-id']).toBe('trace-0001');
    const lines = proxy
      .log()
      .split('\n')
      .filter((l) => l.includes('trace-0001'))
      .map((l) => JSON.parse(l) as { event?: string; requestId?: string; requestIds?: string[] });
    expect(lines.filter((l) => l.event === 'reconfigure' && l.requestId === 'trace-0001')).toHaveLength(1);
    expect(lines.filter((l) => l.event === 'reload' && l.requestIds?.includes('trace-0001'))).toHaveLength(1);
    const s = (await api(proxy.apiUrl, 'status')).json as unknown as Snapshot;
    expect(s.changes[0]).toMatchObject({ serviceName: 'traced', requestId: 'trace-0001' });
  });

  it('asks for the stats credentials when they are configured', async () => {
    expect((await http(`http://127.0.0.1:${guarded.apiPort}/`)).status).toBe(401);
    expect((await http(`${guarded.apiUrl}/status`)).status).toBe(401);
    const ok = await http(`http://127.0.0.1:${guarded.apiPort}/`, { auth: 'ops:status-pw' });
    expect(ok.status).toBe(200);
    expect(ok.body).not.toContain('status-pw');
  });
});
