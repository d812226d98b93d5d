import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import {
  docker,
  ensureSwarm,
  eventually,
  freePort,
  sleep,
  startHaproxy,
  type Started,
} from '@flowproxy/testkit';
import { buildTestImage, Recorder, startListener, TEST_IMAGE } from './helpers.js';
import { makePki, makeTrustOnly, type TestPki } from './tls-certs.js';

// DOCKER_HOST=tcp://127.0.0.1:<port> with DOCKER_TLS_VERIFY=1 / DOCKER_CERT_PATH. The TLS endpoint
// is the host's engine behind a real TLS terminator (HAProxy in tcp mode, `verify required` with
// the test's own CA) rather than a second dockerd: a second engine in Swarm mode on this shared
// machine would need its own network namespace, swarm ports and containerd, and could disturb the
// shared one. (socat openssl-listen was tried first: it fails Node's TLS session resumption with
// "session id context uninitialized", which a real dockerd does not.)
// The listener lists services and follows events over TLS; a client certificate from another CA
// is refused, and so is a daemon certificate that the client's ca.pem did not sign.
const RUN = `fpl-tls-${process.pid.toString(36)}`;
const CREATE = '/v1/docker-flow-proxy/reconfigure';
let dir: string;
let pki: TestPki;
let tlsPort: number;
let terminator: Started & { dir: string };
const created: string[] = [];
const started: Started[] = [];
const recorders: Recorder[] = [];

async function listener(
  certDir: string,
  name: string,
): Promise<{ rec: Recorder; port: number; proc: Started }> {
  const rec = new Recorder();
  await rec.start();
  recorders.push(rec);
  const port = await freePort();
  const proc = startListener(
    {
      DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
      DF_NOTIFY_CREATE_SERVICE_URL: rec.url(CREATE),
      DF_NOTIFY_REMOVE_SERVICE_URL: rec.url('/v1/docker-flow-proxy/remove'),
      // An hour between full reconciles: a service created after start reaches the receiver
      // through the event stream (over TLS) or not at all.
      DF_SERVICE_POLLING_INTERVAL: '3600',
      DF_RETRY_INTERVAL: '0.1',
      API_PORT: String(port),
    },
    join(dir, `${name}.log`),
  );
  started.push(proc);
  return { rec, port, proc };
}

const getServices = (port: number) =>
  axios.get<Record<string, string>[]>(`http://127.0.0.1:${port}/v1/docker-flow-swarm-listener/get-services`, {
    validateStatus: () => true,
  });

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  dir = mkdtempSync(join(tmpdir(), 'listener-tls-'));
  pki = makePki(dir);
  tlsPort = await freePort();
  const pem = join(dir, 'server-combined.pem');
  writeFileSync(pem, readFileSync(pki.serverCert, 'utf8') + readFileSync(pki.serverKey, 'utf8'));
  terminator = startHaproxy(
    `global
  nbthread 1
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend docker_tls
  bind 127.0.0.1:${tlsPort} ssl crt ${pem} ca-file ${pki.caFile} verify required
  default_backend docker
backend docker
  server engine /var/run/docker.sock
`,
    'docker-tls',
  );
  await sleep(300);
}, 120_000);

afterAll(async () => {
  await Promise.all(created.map((n) => docker('service', 'rm', n).catch(() => undefined)));
  for (const p of started) await p.stop();
  for (const r of recorders) await r.stop();
  await terminator?.stop();
  if (terminator) rmSync(terminator.dir, { recursive: true, force: true });
  if (process.env.KEEP_LISTENER_LOG) console.log(`listener logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('Docker API over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('lists services and follows events over TLS', async () => {
    const { rec, port } = await listener(pki.goodClientDir, 'good');
    await eventually(async () => expect((await getServices(port)).status).toBe(200), { timeoutMs: 20000 });
    const name = `${RUN}-svc`;
    created.push(name);
    await docker(
      'service',
      'create',
      '-d',
      '--no-resolve-image',
      '--endpoint-mode',
      'dnsrr',
      '--name',
      name,
      '--label',
      'com.df.notify=true',
      '--label',
      'com.df.servicePath=/tls',
      '--label',
      'com.df.port=8080',
      TEST_IMAGE,
    );
    await eventually(() => expect(rec.delivered(name, CREATE)).toHaveLength(1), { timeoutMs: 60000 });
    expect(rec.for(name)[0]!.params).toMatchObject({ serviceName: name, servicePath: '/tls', port: '8080' });
    const listed = (await getServices(port)).data;
    expect(listed.map((p) => p.serviceName)).toContain(name);
  }, 120_000);

  it('refuses a client certificate from another CA', async () => {
    const { rec, port, proc } = await listener(pki.rogueClientDir, 'rogue');
    // Never ready: the first reconcile cannot reach Docker.
    await eventually(() => expect(proc.log()).toMatch(/docker call failed/), { timeoutMs: 20000 });
    await sleep(2000);
    expect((await getServices(port)).status).toBe(503);
    expect(rec.requests).toEqual([]);
  }, 60_000);

  it("refuses a daemon whose certificate the client's ca.pem did not sign", async () => {
    // The good client, but trusting only the other CA.
    const { port, proc } = await listener(makeTrustOnly(pki, 'rogue-ca.pem'), 'untrusted-daemon');
    await eventually(() => expect(proc.log()).toMatch(/docker call failed/), { timeoutMs: 20000 });
    expect((await getServices(port)).status).toBe(503);
  }, 60_000);
});
