import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { createApi } from '../../../src/api/server.js';
import { nodeParams } from '../../../src/core/nodes.js';
import { createMetrics } from '../../../src/metrics.js';

describe('API', () => {
  const metrics = createMetrics();
  let notified = 0;
  const app = createApi({
    registry: metrics.registry,
    services: async () => [{ serviceName: 'a', port: '80', distribute: 'true' }],
    nodes: async () => [
      nodeParams({
        id: 'n1',
        hostname: 'h',
        address: '10.0.0.1',
        versionIndex: 3,
        state: 'ready',
        role: 'manager',
        availability: 'active',
        labels: { 'com.df.zone': 'node', 'com.df.id': 'spoof' },
        engineLabels: { 'com.df.zone': 'engine', 'com.df.rack': '1' },
      }),
    ],
    notifyServices: () => notified++,
  });

  it('ping and notify-services answer {"Status":"OK"} with any method', async () => {
    await request(app).get('/v1/docker-flow-swarm-listener/ping').expect(200, { Status: 'OK' });
    await request(app).post('/v1/docker-flow-swarm-listener/notify-services').expect(200, { Status: 'OK' });
    expect(notified).toBe(1);
  });

  it('get-services returns the parameter maps', async () => {
    await request(app)
      .get('/v1/docker-flow-swarm-listener/get-services')
      .expect(200, [{ serviceName: 'a', port: '80', distribute: 'true' }]);
  });

  it('get-nodes: node labels win over engine labels, fixed keys win over both', async () => {
    const res = await request(app).get('/v1/docker-flow-swarm-listener/get-nodes').expect(200);
    expect(res.body).toEqual([
      {
        zone: 'node',
        rack: '1',
        id: 'n1',
        hostname: 'h',
        address: '10.0.0.1',
        versionIndex: '3',
        state: 'ready',
        role: 'manager',
        availability: 'active',
      },
    ]);
  });

  it('metrics at both paths', async () => {
    metrics.reconnects.inc();
    for (const p of ['/metrics', '/v1/docker-flow-swarm-listener/metrics']) {
      const res = await request(app).get(p).expect(200);
      expect(res.text).toContain('swarm_listener_event_stream_reconnects_total 1');
    }
  });

  it('get-services answers 503 while not ready; unknown paths 404', async () => {
    const notReady = createApi({
      registry: metrics.registry,
      services: async () => {
        throw new Error('the first reconcile with Docker has not finished yet');
      },
      nodes: async () => [],
      notifyServices: () => undefined,
    });
    const res = await request(notReady).get('/v1/docker-flow-swarm-listener/get-services').expect(503);
    const message = 'the first reconcile with Docker has not finished yet';
    // The error body shape both apps share (runtime's errorBody), upstream's Status/Message kept.
    expect(res.body).toEqual({
      status: 503,
      code: 'NOT_READY',
      message,
      errors: [],
      Status: 'NOK',
      Message: message,
    });
    const missing = await request(notReady).get('/v1/nothing').expect(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND', Status: 'NOK' });
  });
});
