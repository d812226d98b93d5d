import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, promMetrics, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(30000);

// HAProxy's own metrics: its Prometheus exporter behind the API port's /metrics, and upstream's
// /v1/docker-flow-proxy/metrics answering HAProxy's statistics CSV (distribute=true: every replica's).
let backend: Backend;
const replicas: StartedProxy[] = [];

beforeAll(async () => {
  const [port, api0, api1] = (await freePorts(3)) as [number, number, number];
  backend = await startBackend('stat', '127.0.0.9', port);
  const peers = `127.0.0.1:${api0},127.0.0.1:${api1}`;
  for (const apiPort of [api0, api1]) {
    const p = await startProxy({ apiPort, env: { PEERS: peers } });
    replicas.push(p);
    const r = await api(
      p.apiUrl,
      `reconfigure?serviceName=stat&servicePath=/stat&port=${port}&outboundHostname=127.0.0.9&replicas=1`,
    );
    expect(r.status).toBe(200);
    // DNS-discovered, no task resolves: every server-template slot is in maintenance.
    expect((await api(p.apiUrl, 'reconfigure?serviceName=idle&servicePath=/idle&port=80')).status).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await backend?.close();
});

describe("HAProxy's own metrics", () => {
  it('/metrics has the control plane series and the haproxy_* series, counting real traffic', async () => {
    const p = replicas[0] as StartedProxy;
    for (let i = 0; i < 3; i++) expect((await http(`${p.httpUrl}/stat/x`)).status).toBe(200);
    const m = await promMetrics(p.apiUrl);
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/^flowproxy_reloads_total\{outcome="ok"\} [1-9]/m);
    expect(m.body).toMatch(/^flowproxy_haproxy_scrape_ok 1$/m);
    expect(m.body).toMatch(/^haproxy_process_uptime_seconds /m);
    const requests = /^haproxy_backend_http_requests_total\{proxy="stat-be[0-9]+_0"\} ([0-9]+)/m.exec(m.body);
    expect(Number(requests?.[1])).toBeGreaterThanOrEqual(3);
    expect(m.body).toMatch(/^haproxy_frontend_http_requests_total\{proxy="services"\} [1-9]/m);
    const servers = (proxy: string): Set<string> =>
      new Set(
        [
          ...m.body.matchAll(new RegExp(`^haproxy_server_\\w+\\{proxy="${proxy}",server="([^"]+)"`, 'gm')),
        ].map((x) => x[1] ?? ''),
      );
    expect([...servers('stat-be[0-9]+_0')]).toEqual(['stat']);
    // Unused server-template slots (maintenance) are left out; the backend itself is there.
    expect(servers('idle-be80_0').size).toBe(0);
    expect(m.body).toMatch(/^haproxy_backend_status\{proxy="idle-be80_0"/m);
    // One name, one TYPE line: the two planes never export the same series.
    const types = m.body.match(/^# TYPE (\S+)/gm) ?? [];
    expect(new Set(types).size).toBe(types.length);
  });

  it('the exporter listens only on a unix socket of mode 600, not on a port', async () => {
    const p = replicas[0] as StartedProxy;
    const st = statSync(join(p.dirs.runtime, 'metrics.sock'));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    const cfg = (await api(p.apiUrl, 'config')).body;
    expect(cfg).toMatch(/^ {4}bind unix@\S+\/metrics\.sock mode 600$/m);
    const section = /^frontend internal-metrics\n((?: {4}.*\n)+)/m.exec(cfg)?.[1] ?? '';
    expect(section.match(/^ {4}bind .*$/gm)).toEqual([expect.stringMatching(/^ {4}bind unix@/)]);
    expect(section).toMatch(/http-request use-service prometheus-exporter/);
  });

  it('/v1/docker-flow-proxy/metrics answers HAProxy statistics CSV as upstream', async () => {
    const p = replicas[0] as StartedProxy;
    const r = await api(p.apiUrl, 'metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body.startsWith('# pxname,svname,qcur,qmax,scur,smax,slim,stot,')).toBe(true);
    expect(r.body).toContain('services,FRONTEND,');
    expect(r.body).toMatch(/^stat-be[0-9]+_0,BACKEND,/m);
  });

  it('distribute=true concatenates every replica statistics; a missing replica is named', async () => {
    const [p0, p1] = replicas as [StartedProxy, StartedProxy];
    const r = await api(p0.apiUrl, 'metrics?distribute=true');
    expect(r.status).toBe(200);
    expect(r.body.match(/^# pxname,svname,/gm)?.length).toBe(2);
    expect(r.body.match(/^services,FRONTEND,/gm)?.length).toBe(2);
    await p1.stop();
    const partial = await api(p0.apiUrl, 'metrics?distribute=true');
    expect(partial.status).toBe(500);
    expect(String(partial.json.message)).toContain(`127.0.0.1:${p1.apiPort}`);
  });
});
