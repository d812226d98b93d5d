import { describe, it, expect } from '@jest/globals';
import request from 'supertest';
import { createServer } from 'node:http';
import { createDemoHandler, HELLO_BODY } from '../../src/handler.js';
import { loadDemoEnv } from '../../src/env.js';

const app = createServer(createDemoHandler('task-1'));

describe('demo handler', () => {
  it('answers /demo/hello like go-demo, naming the task', async () => {
    const res = await request(app).get('/demo/hello');
    expect(res.status).toBe(200);
    expect(res.text).toBe(HELLO_BODY);
    expect(res.headers['content-length']).toBe('14');
    expect(res.headers['x-served-by']).toBe('task-1');
  });

  it('answers /demo/person with JSON, ignoring the query string', async () => {
    const res = await request(app).get('/demo/person?x=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'Viktor', servedBy: 'task-1' });
  });

  it('answers 404 for anything else under /demo/ and elsewhere, still naming the task', async () => {
    for (const path of ['/demo/other', '/demo', '/something/hello']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['x-served-by']).toBe('task-1');
    }
  });
});

describe('demo env', () => {
  it('defaults to port 8080 and takes SERVED_BY', () => {
    expect(loadDemoEnv({ SERVED_BY: 'x' })).toEqual({ port: 8080, servedBy: 'x' });
  });

  it('rejects a bad PORT naming the variable', () => {
    expect(() => loadDemoEnv({ PORT: '80x' })).toThrow(/PORT must be an integer/);
  });
});
