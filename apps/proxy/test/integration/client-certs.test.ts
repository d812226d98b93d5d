import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(30000);

// verifyClientSsl with CA_FILE (here the dfp_ca_file secret holding the CA's PEM): real HAProxy,
// real TLS, certificates made by openssl for this run.
const dir = mkdtempSync(join(tmpdir(), 'flowproxy-mtls-'));
const ossl = (...args: string[]): void => {
  execFileSync('openssl', args, { stdio: 'pipe', cwd: dir });
};
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(name: string): void {
  ossl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

/** A certificate signed by `ca` (key + cert files `<name>.key`, `<name>.crt`). */
function makeSigned(name: string, ca: string, cn: string): void {
  ossl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${cn}\n`);
  ossl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}
const file = (name: string): string => readFileSync(join(dir, name), 'utf8');

interface Answer {
  readonly status?: number;
  readonly error?: string;
}

/** An HTTPS request to the proxy, optionally presenting a client certificate. */
function get(port: number, path: string, client?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: 'app.example.com',
        headers: { Host: 'app.example.com' },
        rejectUnauthorized: false,
        agent: false,
        timeout: 5000,
        ...(client ? { cert: file(`${client}.crt`), key: file(`${client}.key`) } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

let proxy: StartedProxy;
let backend: Backend;
let tlsPort = 0;

beforeAll(async () => {
  makeCa('client-ca');
  makeCa('other-ca');
  makeCa('server-ca');
  makeSigned('server', 'server-ca', 'app.example.com');
  makeSigned('alice', 'client-ca', 'alice');
  makeSigned('mallory', 'other-ca', 'mallory');
  const [port, httpPort, tls] = (await freePorts(3)) as [number, number, number];
  tlsPort = tls;
  backend = await startBackend('app', '127.0.0.11', port);
  const certs = mkdtempSync(join(tmpdir(), 'flowproxy-mtls-certs-'));
  writeFileSync(join(certs, 'app.example.com.pem'), file('server.crt') + file('server.key'));
  proxy = await startProxy({ env: { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl`, CERTS_DIR: certs } });
  // The secret is read at start: write it, then restart on the same directories.
  writeFileSync(join(proxy.dirs.secrets, 'dfp_ca_file'), file('client-ca.crt'));
  await proxy.stop();
  proxy = await startProxy({
    reuse: proxy,
    env: { DEFAULT_PORTS: `${httpPort},${tlsPort}:ssl`, CERTS_DIR: certs },
  });
  const base = `port=${port}&outboundHostname=127.0.0.11`;
  for (const q of [
    `serviceName=locked&servicePath=/locked&verifyClientSsl=true&${base}`,
    `serviceName=public&servicePath=/public&verifyClientSsl=false&${base}`,
  ]) {
    const r = await api(proxy.apiUrl, `reconfigure?${q}`);
    expect(r.status).toBe(200);
  }
}, 60000);

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('client certificates (verifyClientSsl + CA_FILE)', () => {
  it('a client certificate signed by CA_FILE passes: 200', async () => {
    expect(await get(tlsPort, '/locked/x', 'alice')).toEqual({ status: 200 });
  });

  it('without a client certificate the service answers 403', async () => {
    expect(await get(tlsPort, '/locked/x')).toEqual({ status: 403 });
  });

  it('a certificate from another CA is refused', async () => {
    const r = await get(tlsPort, '/locked/x', 'mallory');
    // HAProxy ends the handshake (verify optional still checks a certificate that is presented).
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
  });

  it('verifyClientSsl=false (and services without it) take clients without a certificate', async () => {
    expect(await get(tlsPort, '/public/x')).toEqual({ status: 200 });
    expect(await get(tlsPort, '/public/x', 'alice')).toEqual({ status: 200 });
  });

  it('the CA from the secret is written next to haproxy.cfg and asked for on the TLS bind', async () => {
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    expect(cfg).toMatch(
      new RegExp(
        `bind \\*:${tlsPort} ssl crt-list \\S+ alpn h2,http/1.1 ca-file \\S+/ca-file\\.pem verify optional`,
      ),
    );
    expect(readFileSync(join(proxy.dirs.config, 'ca-file.pem'), 'utf8')).toBe(file('client-ca.crt'));
  });
});
