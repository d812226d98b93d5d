import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError } from '@flowproxy/runtime';
import { alignMethods, loadListenerConfig } from '../../src/env.js';

let dir: string;
let empty: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'listener-env-'));
  empty = mkdtempSync(join(tmpdir(), 'listener-env-empty-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

const load = (env: Record<string, string>, secrets = empty) => loadListenerConfig(env, secrets);

function problem(env: Record<string, string>): string {
  try {
    load(env);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return (e as EnvError).message;
  }
  throw new Error('expected an EnvError');
}

describe('listener env', () => {
  it('upstream defaults (Dockerfile values)', () => {
    expect(load({})).toEqual({
      createEndpoints: [],
      removeEndpoints: [],
      createNodeEndpoints: [],
      removeNodeEndpoints: [],
      nodeReconcileIntervalMs: 30000,
      useNodeEvents: true,
      notifyLabel: 'com.df.notify',
      retries: 50,
      retryIntervalMs: 5000,
      notifyTimeoutMs: 15000,
      reconcileIntervalMs: 30000,
      useEvents: true,
      notifyImmediately: false,
      includeNodeInfo: false,
      serviceNamePrefix: '',
      dockerHost: 'unix:///var/run/docker.sock',
      apiPort: 8080,
      logLevel: 'info',
      logFormat: 'json',
      auth: { user: '', pass: '', token: '' },
    });
  });

  it('comma lists of URLs with aligned methods', () => {
    const c = load({
      DF_NOTIFY_CREATE_SERVICE_URL: 'http://a:8080/r, http://b:8080/r,http://c/r',
      DF_NOTIFY_CREATE_SERVICE_METHOD: 'get,POST',
      DF_NOTIFY_REMOVE_SERVICE_URL: 'http://a:8080/rm',
    });
    expect(c.createEndpoints).toEqual([
      { url: 'http://a:8080/r', method: 'GET' },
      { url: 'http://b:8080/r', method: 'POST' },
      { url: 'http://c/r', method: 'POST' },
    ]);
    expect(c.removeEndpoints).toEqual([{ url: 'http://a:8080/rm', method: 'GET' }]);
    expect(alignMethods(['x'], ['PUT', 'GET'])).toEqual([{ url: 'x', method: 'PUT' }]);
  });

  it('legacy names win, DF_NOTIFICATION_URL is the fallback', () => {
    expect(
      load({ DF_NOTIF_CREATE_SERVICE_URL: 'http://legacy/r', DF_NOTIFY_CREATE_SERVICE_URL: 'http://new/r' })
        .createEndpoints[0]?.url,
    ).toBe('http://legacy/r');
    const c = load({ DF_NOTIFICATION_URL: 'http://both/x' });
    expect(c.createEndpoints[0]?.url).toBe('http://both/x');
    expect(c.removeEndpoints[0]?.url).toBe('http://both/x');
  });

  it('secret dfp_<name> wins over the env var; the upstream df_ secret is appended', () => {
    writeFileSync(join(dir, 'dfp_df_retry'), '7\n');
    writeFileSync(join(dir, 'df_notify_create_service_url'), 'http://secret/r\n');
    const c = load({ DF_RETRY: '3', DF_NOTIFY_CREATE_SERVICE_URL: 'http://env/r' }, dir);
    expect(c.retries).toBe(7);
    expect(c.createEndpoints.map((e) => e.url)).toEqual(['http://env/r', 'http://secret/r']);
  });

  it('intervals: decimal seconds; polling -1 or 0 means the 30 s default', () => {
    const c = load({ DF_RETRY_INTERVAL: '0.05', DF_SERVICE_POLLING_INTERVAL: '2', DF_NOTIFY_TIMEOUT: '0.5' });
    expect([c.retryIntervalMs, c.reconcileIntervalMs, c.notifyTimeoutMs]).toEqual([50, 2000, 500]);
    expect(load({ DF_SERVICE_POLLING_INTERVAL: '-1' }).reconcileIntervalMs).toBe(30000);
    expect(load({ DF_SERVICE_POLLING_INTERVAL: '0' }).reconcileIntervalMs).toBe(30000);
  });

  it('DF_DOCKER_HOST wins over DOCKER_HOST', () => {
    expect(load({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }).dockerHost).toBe('tcp://127.0.0.1:2375');
    expect(load({ DOCKER_HOST: 'tcp://a:1', DF_DOCKER_HOST: 'unix:///x.sock' }).dockerHost).toBe(
      'unix:///x.sock',
    );
  });

  it.each([
    [{ DF_RETRY: 'many' }, 'DF_RETRY'],
    [{ DF_RETRY: '0' }, 'DF_RETRY'],
    [{ DF_RETRY_INTERVAL: '-2' }, 'DF_RETRY_INTERVAL'],
    [{ DF_SERVICE_POLLING_INTERVAL: '-5' }, 'DF_SERVICE_POLLING_INTERVAL'],
    [{ DF_USE_DOCKER_SERVICE_EVENTS: 'yes' }, 'DF_USE_DOCKER_SERVICE_EVENTS'],
    [{ DF_NOTIFY_CREATE_SERVICE_URL: 'proxy:8080/reconfigure' }, 'DF_NOTIFY_CREATE_SERVICE_URL'],
    [{ DF_NOTIFY_REMOVE_SERVICE_URL: 'ftp://x/y' }, 'DF_NOTIFY_REMOVE_SERVICE_URL'],
    [{ DF_NOTIFY_CREATE_SERVICE_METHOD: 'FETCH' }, 'DF_NOTIFY_CREATE_SERVICE_METHOD'],
    [{ DF_INCLUDE_NODE_IP_INFO: 'maybe' }, 'DF_INCLUDE_NODE_IP_INFO'],
    [{ DF_NODE_IP_INFO_INCLUDES_TASK_ADDRESS: 'false' }, 'DF_NODE_IP_INFO_INCLUDES_TASK_ADDRESS'],
    [{ DOCKER_HOST: 'ssh://x' }, 'DOCKER_HOST'],
    [{ API_PORT: '99999' }, 'API_PORT'],
  ])('%j stops start-up naming the variable', (env, name) => {
    expect(problem(env)).toContain(name);
  });

  it('every bad variable is named at once', () => {
    const msg = problem({ DF_RETRY: 'x', API_PORT: 'y' });
    expect(msg).toContain('DF_RETRY');
    expect(msg).toContain('API_PORT');
  });

  it('DF_INCLUDE_NODE_IP_INFO: true and false are accepted (off by default)', () => {
    expect(load({ DF_INCLUDE_NODE_IP_INFO: 'true' }).includeNodeInfo).toBe(true);
    expect(load({ DF_INCLUDE_NODE_IP_INFO: 'false' }).includeNodeInfo).toBe(false);
    expect(load({}).includeNodeInfo).toBe(false);
  });

  it('node URLs: always GET, upstream secrets appended; node polling and events', () => {
    writeFileSync(join(dir, 'df_notify_create_node_url'), 'http://monitor:8080/v1/node/create\n');
    writeFileSync(join(dir, 'df_notify_remove_node_url'), 'http://monitor:8080/v1/node/remove');
    const cfg = load(
      {
        DF_NOTIFY_CREATE_NODE_URL: 'http://a/create,http://b/create',
        DF_NOTIFY_CREATE_SERVICE_METHOD: 'POST',
        DF_NODE_POLLING_INTERVAL: '2.5',
        DF_USE_DOCKER_NODE_EVENTS: 'false',
      },
      dir,
    );
    expect(cfg.createNodeEndpoints).toEqual([
      { url: 'http://a/create', method: 'GET' },
      { url: 'http://b/create', method: 'GET' },
      { url: 'http://monitor:8080/v1/node/create', method: 'GET' },
    ]);
    expect(cfg.removeNodeEndpoints).toEqual([{ url: 'http://monitor:8080/v1/node/remove', method: 'GET' }]);
    expect(cfg.nodeReconcileIntervalMs).toBe(2500);
    expect(cfg.useNodeEvents).toBe(false);
    expect(problem({ DF_NOTIFY_REMOVE_NODE_URL: 'monitor/remove' })).toContain('DF_NOTIFY_REMOVE_NODE_URL');
    expect(problem({ DF_NODE_POLLING_INTERVAL: 'often' })).toContain('DF_NODE_POLLING_INTERVAL');
  });

  it('DOCKER_TLS_VERIFY: the three files from DOCKER_CERT_PATH (default ~/.docker), checked at start', () => {
    const certs = join(dir, 'certs');
    mkdirSync(certs, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, f), 'pem');
    const cfg = load({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(cfg.dockerTls).toEqual({
      caFile: join(certs, 'ca.pem'),
      certFile: join(certs, 'cert.pem'),
      keyFile: join(certs, 'key.pem'),
    });
    expect(load({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '0' }).dockerTls).toBeUndefined();
    expect(load({ DOCKER_HOST: 'tcp://docker:2376' }).dockerTls).toBeUndefined();
    expect(problem({ DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1', HOME: empty })).toContain(
      'DOCKER_CERT_PATH',
    );
    expect(problem({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs })).toContain('DOCKER_TLS_VERIFY');
    expect(problem({ DOCKER_TLS_VERIFY: 'sure' })).toContain('DOCKER_TLS_VERIFY');
  });
});
