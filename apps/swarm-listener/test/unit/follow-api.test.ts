import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { eventually } from '@flowproxy/testkit';
import { createApi } from '../../src/api/server.js';
import { followEvents, nextBackoff } from '../../src/core/follow.js';
import { nodeParams } from '../../src/core/nodes.js';
import type { DockerEvent } from '../../src/docker/types.js';
import { dockerOptions } from '../../src/docker/swarm-api.js';
import { createMetrics } from '../../src/metrics.js';
import { FakeSwarm, silentLog } from './fakes.js';

describe('event stream', () => {
  const o = { minBackoffMs: 100, maxBackoffMs: 1000, stableMs: 5000 };
  it('backoff doubles to the maximum and resets after a stable stream', () => {
    expect(nextBackoff(100, null, o)).toEqual({ delay: 100, next: 200 });
    expect(nextBackoff(800, 10, o)).toEqual({ delay: 800, next: 1000 });
    expect(nextBackoff(1000, null, o)).toEqual({ delay: 1000, next: 1000 });
    expect(nextBackoff(1000, 6000, o)).toEqual({ delay: 100, next: 200 });
  });

  it('reopens a stream that ended, counts it, and reports the reopen so the caller reconciles', async () => {
    const api = new FakeSwarm();
    const events: DockerEvent[] = [];
    const opens: boolean[] = [];
    let reconnects = 0;
    const stop = new AbortController();
    const done = followEvents(
      api,
      { onEvent: (e) => events.push(e), onOpen: (r) => opens.push(r), onReconnect: () => reconnects++ },
      silentLog,
      stop.signal,
      { minBackoffMs: 1, maxBackoffMs: 2, stableMs: 1000 },
    );
    api.emit({ action: 'create', id: 'a' });
    await eventually(() => expect(events).toHaveLength(1));
    api.endStream();
    await eventually(() => expect(opens).toEqual([false, true]));
    api.emit({ action: 'remove', id: 'a' });
    await eventually(() => expect(events.map((e) => e.action)).toEqual(['create', 'remove']));
    expect(reconnects).toBe(1);
    stop.abort();
    await done;
  });
});

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

describe('Docker connection options', () => {
  const tls = { ca: Buffer.from('ca'), cert: Buffer.from('cert'), key: Buffer.from('key') };
  it('socket, plain tcp on 2375, TLS on 2376 with the client material', () => {
    expect(dockerOptions('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptions('tcp://10.0.0.1')).toEqual({ protocol: 'http', host: '10.0.0.1', port: 2375 });
    expect(dockerOptions('tcp://docker', tls)).toEqual({
      protocol: 'https',
      host: 'docker',
      port: 2376,
      ...tls,
    });
    expect(dockerOptions('tcp://docker:3376', tls)).toMatchObject({ protocol: 'https', port: 3376 });
  });
});
