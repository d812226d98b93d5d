import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import type { ServiceSpec } from '@flowproxy/protocol';
import type { StatusSources } from '../../../src/status/collect.js';
import { statusGuard } from '../../../src/status/guard.js';
import { registerStatus } from '../../../src/status/http.js';
import { ChangeJournal } from '../../../src/status/journal.js';
import { svc } from '../config/fixtures.js';

const PREFIX = '/v1/docker-flow-proxy';

function app(guarded = false): express.Express {
  const spec = svc({ serviceName: 'web', servicePath: '/<script>alert(1)</script>', port: 80 }).spec;
  const journal = new ChangeJournal(5);
  journal.record({
    op: 'reconfigure',
    serviceName: 'web',
    outcome: 'applied',
    status: 200,
    version: 1,
    requestId: 'abc123',
  });
  const sources: StatusSources = {
    services: () => new Map<string, ServiceSpec>([['web', spec]]),
    rejected: () => new Map(),
    warnings: () => new Map(),
    hash: () => 'f'.repeat(64),
    version: () => 1,
    ready: () => true,
    listener: () => undefined,
    serverStats: async () => [
      { backend: 'web-be80_0', server: 'web1', addr: '10.0.0.2:80', status: 'UP', sessions: 1 },
    ],
    journal,
    globalAuth: false,
    appVersion: '0.1.0',
    hostname: 'test',
    cluster: {
      serviceName: 'proxy',
      peers: async () => [],
      fetchNode: async () => Promise.reject(new Error('no')),
    },
  };
  const a = express();
  registerStatus(a, PREFIX, {
    sources,
    refreshMs: 1000,
    guard: statusGuard(guarded ? [{ user: 'ops', pass: 'pw' }] : [], guarded ? 'tok' : undefined),
  });
  return a;
}

describe('status endpoints', () => {
  it('serves the page at / with a strict Content-Security-Policy and the route escaped', async () => {
    const res = await request(app()).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('data-addr="10.0.0.2:80"');
  });

  it('answers the JSON snapshot, the refreshable fragment and the replica summary', async () => {
    const json = await request(app()).get(`${PREFIX}/status?type=json`);
    expect(json.status).toBe(200);
    expect(json.body.routes[0]).toMatchObject({
      serviceName: 'web',
      servers: [{ addr: '10.0.0.2:80', up: true }],
    });
    expect(json.body.changes[0]).toMatchObject({ requestId: 'abc123', outcome: 'applied' });
    expect(json.body.cluster.peers).toHaveLength(1);
    const html = await request(app()).get(`${PREFIX}/status?type=html`);
    expect(html.text).toMatch(/^<p id="summary"/);
    const node = await request(app()).get(`${PREFIX}/status?type=node`);
    expect(node.body).toEqual({
      hostname: 'test',
      appVersion: '0.1.0',
      stateVersion: 1,
      hash: 'f'.repeat(64),
      ready: true,
      inSync: true,
      services: 1,
      rejected: 0,
    });
    const bad = await request(app()).get(`${PREFIX}/status?type=xml`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].param).toBe('type');
  });

  it('serves its script and stylesheet as files (no inline code)', async () => {
    const js = await request(app()).get('/status.js');
    expect(js.headers['content-type']).toMatch(/^application\/javascript/);
    expect(js.text).toContain('replaceChildren');
    const css = await request(app()).get('/status.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('asks for the configured credentials and accepts them (basic or bearer)', async () => {
    const a = app(true);
    const denied = await request(a).get('/');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Basic /);
    expect((await request(a).get(`${PREFIX}/status`)).status).toBe(401);
    expect((await request(a).get('/').auth('ops', 'wrong')).status).toBe(401);
    expect((await request(a).get('/').auth('ops', 'pw')).status).toBe(200);
    expect(
      (await request(a).get(`${PREFIX}/status?type=node`).set('Authorization', 'Bearer tok')).status,
    ).toBe(200);
  });
});
