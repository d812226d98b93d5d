import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(30000);

// Issue 11: on a proxy without a TLS port `haproxy -c` never loads certificates, so they are
// validated when received; a removed service leaves no file; a bad file on disk never stops a start.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'state', 'fixtures');
const good = readFileSync(join(fixtures, 'a.pem'), 'utf8');
const mismatched = readFileSync(join(fixtures, 'mismatched.pem'), 'utf8');
const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';

let proxy: StartedProxy;
let httpPort = 0;
let tlsPort = 0;

const reconfigure = (serviceCert: string, serviceName = 'shop'): ReturnType<typeof api> =>
  api(proxy.apiUrl, 'reconfigure', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceName,
      serviceDomain: 'a.example.com',
      port: 9,
      outboundHostname: '127.0.0.1',
      serviceCert,
    }),
  });

beforeAll(async () => {
  [httpPort, tlsPort] = (await freePorts(2)) as [number, number];
  proxy = await startProxy({ env: { DEFAULT_PORTS: String(httpPort) } });
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
});

describe('certificates are validated when received, whatever ports are bound', () => {
  it.each([
    ['garbage', garbage],
    ['a key of another certificate', mismatched],
  ])('serviceCert with %s: 400 naming serviceCert, nothing written', async (_what, pem) => {
    const r = await reconfigure(pem);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('CERT_INVALID');
    expect((r.json.errors as { param: string }[])[0]?.param).toBe('serviceCert');
    expect(readdirSync(proxy.dirs.certs)).toEqual([]);
    expect(Object.keys((await api(proxy.apiUrl, 'config?type=json')).json.services as object)).toEqual([]);
  });

  it('PUT /cert with garbage: 400, nothing written', async () => {
    const r = await api(proxy.apiUrl, 'cert?certName=bad.pem', { method: 'PUT', body: garbage });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('CERT_INVALID');
    expect(readdirSync(proxy.dirs.certs)).toEqual([]);
  });

  it('a removed service leaves no certificate file behind', async () => {
    expect((await reconfigure(good)).status).toBe(200);
    const file = join(proxy.dirs.certs, 'a.example.com.pem');
    expect(readFileSync(file, 'utf8')).toBe(good);
    const r = await api(proxy.apiUrl, 'remove?serviceName=shop');
    expect(r.status).toBe(200);
    expect(existsSync(file)).toBe(false);
  });

  it('a bad file left in CERTS_DIR is skipped (and logged) when the proxy restarts with a TLS port', async () => {
    writeFileSync(join(proxy.dirs.certs, 'stale.pem'), garbage);
    writeFileSync(join(proxy.dirs.certs, 'good.pem'), good);
    await proxy.stop();
    proxy = await startProxy({
      reuse: proxy,
      env: { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl` },
      waitReady: true,
    });
    expect(proxy.log()).toMatch(/"event":"cert\.skip".*stale\.pem/);
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    expect(cfg).toMatch(new RegExp(`bind \\*:${tlsPort} ssl crt-list`));
    expect(readFileSync(join(proxy.dirs.config, 'crt-list.txt'), 'utf8')).not.toContain('stale.pem');
  });
});
