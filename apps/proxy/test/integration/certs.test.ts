import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// Certificates: CERTS_DIR at start, PUT /cert, serviceCert, TLS on the :ssl bind, httpsPort routing.
function selfSigned(cn: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      `subjectAltName=DNS:${cn}`,
    ],
    { stdio: 'pipe' },
  );
  return readFileSync(join(dir, 'c.pem'), 'utf8') + readFileSync(join(dir, 'k.pem'), 'utf8');
}

/** An HTTPS request with SNI; resolves with status, body and the CN of the certificate served. */
function https(
  port: number,
  host: string,
  path: string,
): Promise<{ status: number; body: string; cn: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: host,
        headers: { Host: host },
        rejectUnauthorized: false,
        agent: false,
        timeout: 5000,
      },
      (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            cn: String(cert.subject?.CN ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let proxy: StartedProxy;
let plain: Backend;
let secure: Backend;
let port = 0;
let httpsBackendPort = 0;
let tlsPort = 0;
let httpPort = 0;
let certsDir = '';

beforeAll(async () => {
  [port, httpsBackendPort, tlsPort, httpPort] = (await freePorts(4)) as [number, number, number, number];
  plain = await startBackend('plain', '127.0.0.7', port);
  secure = await startBackend('https-side', '127.0.0.7', httpsBackendPort);
  const root = mkdtempSync(join(tmpdir(), 'flowproxy-certs-'));
  certsDir = root;
  writeFileSync(join(root, 'default.pem'), selfSigned('default.example.com'));
  proxy = await startProxy({ env: { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl`, CERTS_DIR: root } });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([plain?.close(), secure?.close()]);
});

describe('certificates', () => {
  it('terminates TLS on the :ssl bind with the certificates of CERTS_DIR, and lists them', async () => {
    const r = await api(
      proxy.apiUrl,
      `reconfigure?serviceName=web&servicePath=/web&port=${port}&outboundHostname=127.0.0.7`,
    );
    expect(r.status).toBe(200);
    const res = await https(tlsPort, 'default.example.com', '/web/x');
    expect(res).toMatchObject({ status: 200, body: 'plain GET /web/x', cn: 'default.example.com' });
    expect((await http(`http://127.0.0.1:${httpPort}/web/x`)).status).toBe(200);
    const certs = await api(proxy.apiUrl, 'certs');
    expect(certs.json.Status).toBe('OK');
    expect(
      (certs.json.Certs as { ProxyServiceName: string; CertContent: string }[]).map(
        (c) => c.ProxyServiceName,
      ),
    ).toEqual(['default.pem']);
  });

  it('PUT /cert adds a certificate, served by SNI once the call answers', async () => {
    const r = await api(proxy.apiUrl, 'cert?certName=shop.example.com.pem', {
      method: 'PUT',
      body: selfSigned('shop.example.com'),
      headers: { 'content-type': 'application/x-pem-file' },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ Status: 'OK' });
    expect((await https(tlsPort, 'shop.example.com', '/web/')).cn).toBe('shop.example.com');
    expect((await https(tlsPort, 'default.example.com', '/web/')).cn).toBe('default.example.com');
    const names = ((await api(proxy.apiUrl, 'certs')).json.Certs as { ProxyServiceName: string }[]).map(
      (c) => c.ProxyServiceName,
    );
    expect(names).toEqual(['default.pem', 'shop.example.com.pem']);
  });

  it('rejects a broken certificate without touching the running config', async () => {
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    const noName = await api(proxy.apiUrl, 'cert', { method: 'PUT', body: selfSigned('x.example.com') });
    expect(noName.status).toBe(400);
    const broken = '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n';
    const r = await api(proxy.apiUrl, 'cert?certName=broken.pem', { method: 'PUT', body: broken });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('CERT_INVALID');
    expect((await api(proxy.apiUrl, 'config')).body).toBe(cfg);
    expect(((await api(proxy.apiUrl, 'certs')).json.Certs as unknown[]).length).toBe(2);
    expect((await https(tlsPort, 'default.example.com', '/web/')).status).toBe(200);
  });

  it('serviceCert writes <first domain>.pem; httpsPort routes TLS requests to the service`s https port', async () => {
    const pem = selfSigned('api.example.com');
    const r = await api(proxy.apiUrl, 'reconfigure', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        serviceName: 'api',
        serviceDomain: 'api.example.com',
        port,
        httpsPort: httpsBackendPort,
        srcPort: httpPort,
        srcHttpsPort: tlsPort,
        outboundHostname: '127.0.0.7',
        serviceCert: pem,
      }),
    });
    expect(r.status).toBe(200);
    expect(readFileSync(join(certsDir, 'api.example.com.pem'), 'utf8')).toBe(pem);
    const tls = await https(tlsPort, 'api.example.com', '/v1');
    expect(tls.cn).toBe('api.example.com');
    expect(tls.body).toBe('https-side GET /v1');
    await eventually(async () =>
      expect(
        (await http(`http://127.0.0.1:${httpPort}/v1`, { headers: { Host: 'api.example.com' } })).body,
      ).toBe('plain GET /v1'),
    );
    expect((await api(proxy.apiUrl, 'config?type=json')).body).not.toContain('PRIVATE KEY');
  });
});
