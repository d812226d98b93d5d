import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { createApi } from '../../src/api/server.js';
import { createMetrics } from '../../src/metrics.js';

// With API credentials set, the listener's API wants them everywhere but ping (issue 11).
describe('listener API authentication', () => {
  let notified = 0;
  const app = createApi({
    registry: createMetrics().registry,
    services: async () => [{ serviceName: 'a', port: '80' }],
    nodes: async () => [],
    notifyServices: () => void (notified += 1),
    auth: { user: 'ops', pass: 'pw', token: 'tok' },
  });
  const P = '/v1/docker-flow-swarm-listener';

  it('answers 401 with a challenge and a stable code, and does nothing', async () => {
    for (const path of [
      `${P}/get-services`,
      `${P}/get-nodes`,
      `${P}/notify-services`,
      `${P}/metrics`,
      '/metrics',
    ]) {
      const r = await request(app).get(path);
      expect([path, r.status, r.body.code]).toEqual([path, 401, 'UNAUTHORIZED']);
      expect(r.headers['www-authenticate']).toMatch(/Basic.*Bearer/);
    }
    expect(notified).toBe(0);
    expect((await request(app).get(`${P}/ping`)).status).toBe(200);
  });

  it('answers with the token or the user and password', async () => {
    expect((await request(app).get(`${P}/get-services`).set('Authorization', 'Bearer tok')).body).toEqual([
      { serviceName: 'a', port: '80' },
    ]);
    expect((await request(app).get(`${P}/get-services`).auth('ops', 'pw')).status).toBe(200);
    expect((await request(app).get(`${P}/get-services`).auth('ops', 'nope')).status).toBe(401);
  });
});
