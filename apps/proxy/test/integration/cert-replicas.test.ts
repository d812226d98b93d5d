import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { eventually, freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(90000);

// Certificates across replicas (PUT /cert?distribute=true, a new replica copies its peers'
// certificates before it serves), GET /certs in upstream's shape, PREFERRED_CERTIFICATE and
// CRT_LIST_PATH: real proxies and HAProxy on loopback, replicas listed in PEERS.
const dir = mkdtempSync(join(tmpdir(), 'flowproxy-certrep-'));

function selfSigned(cn: string): string {
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
      `${cn}.key`,
      '-out',
      `${cn}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      `subjectAltName=DNS:${cn}`,
    ],
    { stdio: 'pipe', cwd: dir },
  );
  return readFileSync(join(dir, `${cn}.crt`), 'utf8') + readFileSync(join(dir, `${cn}.key`), 'utf8');
}

/** The CN of the certificate served on `port` for `sni` (none: no SNI, HAProxy's default certificate). */
function servedCn(port: number, sni?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(
      { host: '127.0.0.1', port, rejectUnauthorized: false, ...(sni ? { servername: sni } : {}) },
      () => {
        const cn = String(sock.getPeerCertificate().subject?.CN ?? '');
        sock.end();
        resolve(cn);
      },
    );
    sock.setTimeout(5000, () => sock.destroy(new Error('timeout')));
    sock.on('error', reject);
  });
}

interface Replica {
  readonly apiPort: number;
  readonly tlsPort: number;
  proxy?: StartedProxy;
}
const replicas: Replica[] = [];
let peers = '';

const start = async (r: Replica): Promise<StartedProxy> => {
  const [httpPort] = (await freePorts(1)) as [number];
  r.proxy = await startProxy({
    apiPort: r.apiPort,
    waitReady: true,
    env: { DEFAULT_PORTS: `${httpPort},${r.tlsPort}:ssl`, PEERS: peers, DISTRIBUTE_TIMEOUT_MS: '40000' },
  });
  return r.proxy;
};
const put = (p: StartedProxy, name: string, pem: string, distribute = true) =>
  api(p.apiUrl, `cert?certName=${name}${distribute ? '&distribute=true' : ''}`, {
    method: 'PUT',
    body: pem,
    headers: { 'content-type': 'application/x-pem-file' },
  });
const certNames = async (p: StartedProxy): Promise<string[]> =>
  ((await api(p.apiUrl, 'certs')).json.Certs as { ProxyServiceName: string }[]).map(
    (c) => c.ProxyServiceName,
  );

beforeAll(async () => {
  const ports = await freePorts(6);
  for (let i = 0; i < 3; i++) replicas.push({ apiPort: ports[i] as number, tlsPort: ports[i + 3] as number });
  peers = replicas.map((r) => `127.0.0.1:${r.apiPort}`).join(',');
  await start(replicas[0] as Replica);
  await start(replicas[1] as Replica);
}, 60000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.proxy?.stop() ?? Promise.resolve()));
});

describe('certificates across replicas', () => {
  it('PUT /cert?distribute=true stores on every replica; the answer names the one that is down', async () => {
    const [r0, r1, r2] = replicas as [Replica, Replica, Replica];
    const res = await put(r0.proxy as StartedProxy, 'shop.example.com.pem', selfSigned('shop.example.com'));
    expect(res.status).toBe(500);
    expect(res.json.code).toBe('DISTRIBUTE_FAILED');
    expect(String(res.json.message)).toContain(`127.0.0.1:${r2.apiPort}`);
    expect(String(res.json.message)).not.toContain(`127.0.0.1:${r1.apiPort}`);
    for (const r of [r0, r1]) {
      expect(await certNames(r.proxy as StartedProxy)).toEqual(['shop.example.com.pem']);
      expect(await servedCn(r.tlsPort, 'shop.example.com')).toBe('shop.example.com');
    }
  });

  it('a new replica copies the certificates its peers hold before it is ready', async () => {
    const r2 = replicas[2] as Replica;
    const p = await start(r2); // waits for successfulinitreload
    expect(await certNames(p)).toEqual(['shop.example.com.pem']);
    expect(await servedCn(r2.tlsPort, 'shop.example.com')).toBe('shop.example.com');
    expect(p.log()).toMatch(/certificates copied from peers/);
  });

  it('with every replica up, distribute answers 200 and each one serves the new certificate', async () => {
    const r1 = (replicas[1] as Replica).proxy as StartedProxy;
    const res = await put(r1, 'api.example.com.pem', selfSigned('api.example.com'));
    expect(res.status).toBe(200);
    expect(res.json.Message).toBe('Distributed to all instances');
    expect((res.json.replicas as { ok: boolean }[]).map((x) => x.ok)).toEqual([true, true, true]);
    for (const r of replicas) expect(await servedCn(r.tlsPort, 'api.example.com')).toBe('api.example.com');
  });

  it('an invalid certificate is refused by every replica with 400, and nothing is stored', async () => {
    const r0 = (replicas[0] as Replica).proxy as StartedProxy;
    const res = await put(
      r0,
      'bad.pem',
      '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n',
    );
    expect(res.status).toBe(400);
    for (const r of replicas) expect(await certNames(r.proxy as StartedProxy)).not.toContain('bad.pem');
  });

  it('GET /certs answers in upstream shape', async () => {
    const r0 = (replicas[0] as Replica).proxy as StartedProxy;
    const body = (await api(r0.apiUrl, 'certs')).json;
    expect(body.Status).toBe('OK');
    const first = (body.Certs as Record<string, string>[])[0];
    expect(Object.keys(first ?? {}).sort()).toEqual([
      'CertContent',
      'CertsDir',
      'ProxyServiceName',
      'ServicePort',
    ]);
    expect(first?.CertContent).toContain('-----BEGIN CERTIFICATE-----');
  });
});

describe('PREFERRED_CERTIFICATE and CRT_LIST_PATH', () => {
  it('PREFERRED_CERTIFICATE puts matching certificates first: the default certificate without SNI', async () => {
    const certs = mkdtempSync(join(tmpdir(), 'flowproxy-pref-'));
    writeFileSync(join(certs, 'a.example.com.pem'), selfSigned('a.example.com'));
    writeFileSync(join(certs, 'z.example.com.pem'), selfSigned('z.example.com'));
    const [httpPort, tlsPort] = (await freePorts(2)) as [number, number];
    const env = { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl`, CERTS_DIR: certs };
    let p = await startProxy({ env });
    try {
      expect(await servedCn(tlsPort)).toBe('a.example.com');
      await p.stop();
      p = await startProxy({ reuse: p, env: { ...env, PREFERRED_CERTIFICATE: 'z.*' } });
      expect(await servedCn(tlsPort)).toBe('z.example.com');
      expect(await servedCn(tlsPort, 'a.example.com')).toBe('a.example.com');
    } finally {
      await p.stop();
    }
  });

  it('CRT_LIST_PATH: the operator crt-list is used as it is and none is generated', async () => {
    const own = join(dir, 'own.pem');
    writeFileSync(own, selfSigned('own.example.com'));
    const list = join(dir, 'my-crt-list.txt');
    writeFileSync(list, `${own}\n`);
    const [httpPort, tlsPort] = (await freePorts(2)) as [number, number];
    const p = await startProxy({ env: { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl`, CRT_LIST_PATH: list } });
    try {
      await eventually(async () => expect(await servedCn(tlsPort)).toBe('own.example.com'), {
        timeoutMs: 10000,
      });
      expect((await api(p.apiUrl, 'config')).body).toContain(`ssl crt-list ${list} `);
      expect(existsSync(join(p.dirs.config, 'crt-list.txt'))).toBe(false);
    } finally {
      await p.stop();
    }
  });
});
