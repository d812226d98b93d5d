import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import axios from 'axios';
import { ensureSwarm, eventually, freePort, sleep, startHaproxy, type Started } from '@flowproxy/testkit';
import {
  buildTestImage,
  CREATE,
  LogDir,
  notified,
  startRecordedListener,
  TestServices,
  type RecordedListener,
} from './helpers.js';
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
let logs: LogDir;
let pki: TestPki;
let tlsPort: number;
let terminator: Started & { dir: string };
const services = new TestServices();
const listeners: RecordedListener[] = [];

/** A listener reaching Docker over TLS with the client files in `certDir`; `ready`: wait for it. */
async function listener(certDir: string, name: string, ready: boolean): Promise<RecordedListener> {
  const started = await startRecordedListener({
    env: {
      DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
      // An hour between full reconciles: a service created after start reaches the receiver
      // through the event stream (over TLS) or not at all.
      DF_SERVICE_POLLING_INTERVAL: '3600',
    },
    logFile: logs.file(`${name}.log`),
    readyOn: ready ? 'get-services' : null,
  });
  listeners.push(started);
  return started;
}

const getServices = (l: RecordedListener) =>
  axios.get<Record<string, string>[]>(l.api('get-services'), { validateStatus: () => true });

beforeAll(async () => {
  ensureSwarm();
  await buildTestImage();
  logs = new LogDir('listener-tls');
  pki = makePki(logs.path);
  tlsPort = await freePort();
  const pem = logs.file('server-combined.pem');
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
  await services.removeAll();
  for (const l of listeners) await l.stop();
  await terminator?.stop();
  if (terminator) rmSync(terminator.dir, { recursive: true, force: true });
  logs?.remove();
}, 60_000);

describe('Docker API over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('lists services and follows events over TLS', async () => {
    const good = await listener(pki.goodClientDir, 'good', true);
    const { rec } = good;
    const name = `${RUN}-svc`;
    await services.create(name, notified({ 'com.df.servicePath': '/tls', 'com.df.port': '8080' }));
    await eventually(() => expect(rec.delivered(name, CREATE)).toHaveLength(1), { timeoutMs: 60000 });
    expect(rec.for(name)[0]!.params).toMatchObject({ serviceName: name, servicePath: '/tls', port: '8080' });
    const listed = (await getServices(good)).data;
    expect(listed.map((p) => p.serviceName)).toContain(name);
  }, 120_000);

  it('refuses a client certificate from another CA', async () => {
    const rogue = await listener(pki.rogueClientDir, 'rogue', false);
    const { rec, proc } = rogue;
    // Never ready: the first reconcile cannot reach Docker.
    await eventually(() => expect(proc.log()).toMatch(/docker call failed/), { timeoutMs: 20000 });
    await sleep(2000);
    expect((await getServices(rogue)).status).toBe(503);
    expect(rec.requests).toEqual([]);
  }, 60_000);

  it("refuses a daemon whose certificate the client's ca.pem did not sign", async () => {
    // The good client, but trusting only the other CA.
    const untrusted = await listener(makeTrustOnly(pki, 'rogue-ca.pem'), 'untrusted-daemon', false);
    await eventually(() => expect(untrusted.proc.log()).toMatch(/docker call failed/), { timeoutMs: 20000 });
    expect((await getServices(untrusted)).status).toBe(503);
  }, 60_000);
});
