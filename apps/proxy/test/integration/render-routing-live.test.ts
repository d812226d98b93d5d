import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceSpec } from '@flowproxy/protocol';
import {
  checkConfig,
  eventually,
  freePorts,
  HAPROXY_BIN,
  startHaproxy,
  startProcess,
  type Started,
} from '@flowproxy/testkit';
import { renderConfig } from '../../src/config/render.js';
import type { RenderService } from '../../src/config/settings.js';
import { baseSettings } from '../golden/golden.js';

/**
 * The rendered routing under a real HAProxy: map tiers, ACL tiers, prefix semantics, rewrite and
 * auth behave as http-routes.ts documents. Every service points (outboundHostname) at one echo
 * backend on loopback that answers with the X-Be header the service adds, so the body names the
 * backend that was chosen.
 */
let root: string;
let proxyPort: number;
let echo: Started & { dir: string };
let proxy: Started;

const svc = (
  params: Record<string, string | number | boolean>,
  users?: { user: string; password: string }[],
): RenderService => {
  const p = parseServiceSpec({
    outboundHostname: '127.0.0.1',
    addReqHeader: `X-Be ${params.serviceName}`,
    ...params,
  });
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return { spec: p.spec, users: users ?? [], usersPassEncrypted: false };
};

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: proxyPort, path, headers: { Connection: 'close', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: body.trim(), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const [pp, bp] = await freePorts(2);
  proxyPort = pp as number;
  echo = startHaproxy(
    `defaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 1s\nfrontend fe\n  bind 127.0.0.1:${bp}\n  http-request return status 200 content-type text/plain lf-string "%[req.hdr(x-be)] %[path] auth=%[req.hdr(authorization)]"\n`,
    'echo',
  );
  root = mkdtempSync(join(tmpdir(), 'flowproxy-routing-'));
  const configDir = join(root, 'cfg');
  const runtimeDir = join(root, 'run');
  mkdirSync(configDir);
  mkdirSync(runtimeDir);
  const port = bp as number;
  const out = renderConfig({
    settings: {
      ...baseSettings(),
      configDir,
      runtimeDir,
      defaultPorts: [{ port: proxyPort, ssl: false, options: [] }],
    },
    services: [
      svc({ serviceName: 'demo', servicePath: '/demo', port }),
      svc({ serviceName: 'demo-hello', servicePath: '/demo/hello', port }),
      svc({ serviceName: 'bot', servicePath: '/demo', userAgent: 'bot', port }),
      svc({ serviceName: 'site', serviceDomain: 'example.com', port }),
      svc({ serviceName: 'site-api', serviceDomain: 'example.com', servicePath: '/api', port }),
      svc({ serviceName: 'wild', serviceDomain: '*.example.org', port }),
      svc({ serviceName: 'zz-acme', servicePath: '/.well-known/acme-challenge', port }),
      svc({ serviceName: 'root', servicePath: '/', port }),
      svc({
        serviceName: 'rewrite',
        servicePath: '/something',
        reqPathSearchReplace: '/something/.*,/demo/hello',
        port,
      }),
      svc({ serviceName: 'private', servicePath: '/private', users: 'admin:password', port }, [
        { user: 'admin', password: 'password' },
      ]),
    ],
  });
  writeFileSync(join(configDir, 'haproxy.cfg'), out.haproxyCfg);
  for (const [f, c] of Object.entries(out.files)) writeFileSync(join(configDir, f), c);
  writeFileSync(join(runtimeDir, 'server-state'), '');
  const check = checkConfig(join(configDir, 'haproxy.cfg'));
  if (!check.ok) throw new Error(check.output);
  proxy = startProcess(HAPROXY_BIN, ['-db', '-f', join(configDir, 'haproxy.cfg')], {
    logFile: join(root, 'haproxy.log'),
  });
  await eventually(async () => expect((await get('/demo/x')).body).toMatch(/^demo /), { timeoutMs: 10000 });
});

afterAll(async () => {
  await proxy?.stop();
  await echo?.stop();
  if (echo) rmSync(echo.dir, { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('rendered routing under HAProxy', () => {
  it.each([
    ['/demo/x', {}, 'demo /demo/x'],
    ['/demonstration', {}, 'demo /demonstration'],
    ['/demo/hello/x', {}, 'demo-hello /demo/hello/x'],
    ['/demo/hello/x', { 'User-Agent': 'my-bot/1' }, 'bot /demo/hello/x'],
    ['/api/v1', { Host: 'Example.COM:8080' }, 'site-api /api/v1'],
    ['/other', { Host: 'example.com' }, 'site /other'],
    ['/demo/x', { Host: 'example.com' }, 'demo /demo/x'],
    ['/x', { Host: 'a.example.org' }, 'wild /x'],
    ['/.well-known/acme-challenge/t', { Host: 'example.com' }, 'zz-acme /.well-known/acme-challenge/t'],
    ['/anything', {}, 'root /anything'],
    ['/something/else', {}, 'rewrite /demo/hello'],
  ])('%s %j -> %s', async (path, headers, expected) => {
    const r = await get(path, headers);
    expect(r.status).toBe(200);
    expect(r.body).toBe(`${expected} auth=`);
  });

  it('challenges without credentials in realm <aclName>Realm and strips them once accepted', async () => {
    const denied = await get('/private/x');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="privateRealm"');
    const ok = await get('/private/x', {
      Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('private /private/x auth=');
  });
});
