import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createLogger, NO_API_AUTH } from '@flowproxy/runtime';
import { createApp, type ApiDeps } from '../../../src/api/app.js';
import { failure, success, type Result } from '../../../src/control/result.js';
import { createMetrics } from '../../../src/metrics.js';
import { Rejections } from '../../../src/state/rejections.js';
import { ManualChanges } from '../../../src/sync/manual-changes.js';

// The express app over fake use cases: route -> use case -> result -> HTTP (status, body, headers).
const HASH = 'a'.repeat(64);
type Readiness = ReturnType<ApiDeps['readiness']>;
const READY = { listener: false, initialSync: true, inSync: true, healthy: true } as unknown as Readiness;

function app(over: Partial<ApiDeps> = {}, answer: Result = success()) {
  const calls: string[] = [];
  const metrics = createMetrics();
  const deps: ApiDeps = {
    control: {
      reconfigure: async (input) => {
        calls.push(`reconfigure ${JSON.stringify(input)}`);
        return answer;
      },
      remove: async () => answer,
      reload: async () => answer,
      putCert: async (name, pem) => {
        calls.push(`cert ${name} ${pem.length}`);
        return answer;
      },
      warnings: { get: () => undefined } as unknown as ApiDeps['control']['warnings'],
      manual: new ManualChanges(),
    },
    pipeline: {
      hash: HASH,
      version: 7,
      services: new Map(),
      rejected: new Rejections(metrics.rejected),
      runningConfig: 'global\n',
    },
    metrics,
    logger: createLogger('test', { silent: true }),
    readiness: () => READY,
    distribute: async (_op, _input, local) => local(),
    peers: async () => [],
    distributeTimeoutMs: 1000,
    auth: NO_API_AUTH,
    certEntries: () => [],
    haproxyMetrics: async () => '',
    statsCsv: async () => '',
    ...over,
  };
  return { app: createApp(deps), calls };
}
type App = ReturnType<typeof app>['app'];

const P = '/v1/docker-flow-proxy';

describe('proxy API: route -> use case -> HTTP', () => {
  it('a successful reconfigure is 200 with upstream fields, query and JSON body merged', async () => {
    const { app: a, calls } = app({}, success('', { ServiceName: 'x', AclName: 'x' }));
    const res = await request(a)
      .post(`${P}/reconfigure?serviceName=x`)
      .send({ servicePath: '/x' })
      .expect(200);
    expect(res.body).toEqual({ Status: 'OK', Message: '', ServiceName: 'x', AclName: 'x' });
    expect(calls).toEqual(['reconfigure {"serviceName":"x","servicePath":"/x"}']);
  });

  it.each([
    ['PARAM_INVALID', 400],
    ['PATH_OR_DOMAIN_REQUIRED', 409],
    ['HAPROXY_REJECTED', 400],
    ['RELOAD_FAILED', 500],
  ] as const)('a %s failure answers %i with the shared error body', async (code, status) => {
    const issue = { param: 'servicePath', code: 'PARAM_INVALID' as const, message: 'bad' };
    const { app: a } = app({}, failure(code, 'no', [issue], { ServiceName: 'x' }));
    const res = await request(a).get(`${P}/reconfigure?serviceName=x`).expect(status);
    expect(res.body).toEqual({
      status,
      code,
      message: 'no',
      errors: [issue],
      Status: 'NOK',
      Message: 'no',
      ServiceName: 'x',
    });
  });

  it('a distribute failure may carry the status every replica answered', async () => {
    const { app: a } = app({
      distribute: async () => ({ ...failure('DISTRIBUTE_FAILED', 'all refused'), status: 400 }),
    });
    const res = await request(a).get(`${P}/remove?serviceName=x&distribute=true`).expect(400);
    expect(res.body.code).toBe('DISTRIBUTE_FAILED');
  });

  it('parameter names are data: __proto__ and constructor reach the use case, no 500', async () => {
    const { app: a, calls } = app();
    await request(a).get(`${P}/reconfigure?__proto__=1&constructor=2&toString=3`).expect(200);
    expect(calls).toEqual(['reconfigure {"__proto__":"1","constructor":"2","toString":"3"}']);
  });

  it('cert takes PUT only (405 otherwise) and passes the body as text', async () => {
    const { app: a, calls } = app();
    const res = await request(a).get(`${P}/cert?certName=x`).expect(405);
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
    await request(a).put(`${P}/cert?certName=x`).set('content-type', 'text/plain').send('PEM').expect(200);
    expect(calls).toEqual(['cert x 3']);
  });

  it('successfulinitreload and ready answer 503 with their codes until in sync', async () => {
    const notYet = { ...READY, initialSync: false, inSync: false, healthy: false } as Readiness;
    const { app: a } = app({ readiness: () => notYet });
    expect((await request(a).get(`${P}/successfulinitreload`).expect(503)).body.code).toBe('NOT_READY');
    expect((await request(a).get(`${P}/ready`).expect(503)).body.code).toBe('NOT_IN_SYNC');
  });

  it('reload?fromListener=true without LISTENER_ADDRESS is 400 NO_LISTENER', async () => {
    const { app: a } = app();
    expect((await request(a).get(`${P}/reload?fromListener=true`).expect(400)).body.code).toBe('NO_LISTENER');
  });

  const cases: [string, (a: App) => request.Test, number, string][] = [
    ['unknown endpoint', (a) => request(a).get(`${P}/nothing`), 404, 'NOT_FOUND'],
    ['unknown path', (a) => request(a).get('/nothing'), 404, 'NOT_FOUND'],
    [
      'malformed JSON',
      (a) =>
        request(a).post(`${P}/reconfigure`).set('content-type', 'application/json').send('{"serviceName":'),
      400,
      'BODY_INVALID',
    ],
    [
      'a body over the limit',
      (a) =>
        request(a)
          .post(`${P}/reconfigure`)
          .set('content-type', 'application/json')
          .send(JSON.stringify({ x: 'y'.repeat(6 * 1024 * 1024) })),
      413,
      'BODY_TOO_LARGE',
    ],
  ];
  it.each(cases)(
    '%s: catalogued error, with the state headers (issue 11)',
    async (_name, send, status, code) => {
      const { app: a } = app();
      const res = await send(a).expect(status);
      expect(res.body).toMatchObject({ status, code, Status: 'NOK' });
      expect(res.headers['x-flowproxy-state']).toBe(HASH);
      expect(res.headers['x-flowproxy-state-version']).toBe('7');
    },
  );

  it('a use case that throws is 500 INTERNAL with the state headers', async () => {
    const { app: a } = app({
      distribute: async () => {
        throw new Error('boom');
      },
    });
    const res = await request(a).get(`${P}/reconfigure?serviceName=x`).expect(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL', message: 'boom' });
    expect(res.headers['x-flowproxy-state']).toBe(HASH);
  });

  it('every answer, success or text, carries the state headers', async () => {
    const { app: a } = app();
    for (const path of ['ping', 'config', 'config?type=json', 'certs', 'reconfigure?serviceName=x']) {
      const res = await request(a).get(`${P}/${path}`).expect(200);
      expect(res.headers['x-flowproxy-state']).toBe(HASH);
    }
  });

  it('with API credentials set, a request without them is 401 UNAUTHORIZED; ping and healthy stay open', async () => {
    const { app: a, calls } = app({ auth: { user: 'ops', pass: 'pw', token: '' } });
    const res = await request(a).get(`${P}/reconfigure?serviceName=x`).expect(401);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', Status: 'NOK' });
    expect(res.headers['www-authenticate']).toContain('Basic');
    expect(res.headers['x-flowproxy-state']).toBe(HASH);
    expect(calls).toEqual([]);
    await request(a).get(`${P}/ping`).expect(200);
    await request(a).get(`${P}/healthy`).expect(200);
    await request(a).get(`${P}/reconfigure?serviceName=x`).auth('ops', 'pw').expect(200);
    expect(calls).toHaveLength(1);
  });
});
