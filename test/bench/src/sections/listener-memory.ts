import { createServer } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { docker, freePort, REPO_ROOT, startProcess } from '@flowproxy/testkit';
import { cpuSeconds, rssMb } from '../proc.js';

// Its own notify label: the demo's listener (`npm run demo`) must not route these services, and this
// listener must not count the demo's.
const NOTIFY_LABEL = 'org.flowproxy.bench.notify';
const PASS_SECONDS = 5;
const PASSES = 3;

/**
 * Listener RSS idle and while watching `services` labelled Swarm services (created with 0 replicas
 * so the machine is not flooded with containers; the listener still inspects and notifies each).
 */
export async function listenerMemory(o: {
  services: number;
  image: string;
}): Promise<{ idleMb: number; loadedMb: number; services: number; passCpu: number }> {
  let received = 0;
  const srv = createServer((req, res) => {
    received++;
    res.end('{"Status":"OK"}');
  });
  const port = await freePort();
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  const apiPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-bench-listener-'));
  const listener = startProcess(process.execPath, [join(REPO_ROOT, 'apps/swarm-listener/dist/main.js')], {
    logFile: join(dir, 'listener.log'),
    env: {
      PATH: process.env.PATH,
      API_PORT: String(apiPort),
      SECRETS_DIR: dir,
      DF_NOTIFY_CREATE_SERVICE_URL: `http://127.0.0.1:${port}/v1/docker-flow-proxy/reconfigure`,
      DF_NOTIFY_REMOVE_SERVICE_URL: `http://127.0.0.1:${port}/v1/docker-flow-proxy/remove`,
      DF_RETRY_INTERVAL: '1',
      DF_NOTIFY_LABEL: NOTIFY_LABEL,
      DF_SERVICE_POLLING_INTERVAL: String(PASS_SECONDS),
    },
  });
  const names = Array.from({ length: o.services }, (_, i) => `fpbench-mem-${i}`);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const idleMb = rssMb(listener.pid);
    for (let i = 0; i < names.length; i += 8) {
      await Promise.all(
        names
          .slice(i, i + 8)
          .map((n) =>
            docker(
              'service',
              'create',
              '-d',
              '--no-resolve-image',
              '--replicas',
              '0',
              '--name',
              n,
              '--label',
              `${NOTIFY_LABEL}=true`,
              '--label',
              `com.df.servicePath=/${n}`,
              '--label',
              'com.df.port=8080',
              o.image,
              'sleep',
              'infinity',
            ),
          ),
      );
    }
    const deadline = Date.now() + 60000;
    while (received < names.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000));
    // Reconciles every PASS_SECONDS and nothing changes: the CPU of a window of PASSES passes.
    const cpu0 = cpuSeconds(listener.pid);
    await new Promise((r) => setTimeout(r, PASSES * PASS_SECONDS * 1000));
    const passCpu = (cpuSeconds(listener.pid) - cpu0) / PASSES;
    return { idleMb, loadedMb: rssMb(listener.pid), services: names.length, passCpu };
  } finally {
    await listener.stop();
    for (let i = 0; i < names.length; i += 50)
      await docker('service', 'rm', ...names.slice(i, i + 50)).catch(() => '');
    srv.close();
  }
}
