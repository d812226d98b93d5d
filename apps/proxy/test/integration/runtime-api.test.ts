import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { parseShowProc } from '../../src/haproxy/show-proc.js';
import { sendCommand } from '../../src/haproxy/socket.js';
import { api, http, promMetrics, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(60000);

// Changes HAProxy can take at runtime (a path or domain of an existing service: a map entry) are
// sent through the master CLI and written to the map files, with no reload; the files always hold
// what runs, and a runtime edit HAProxy refuses falls back to a reload.
let dns: Dns;
let proxy: StartedProxy;
let backend: Backend;
let port = 0;

const counter = async (name: string, outcome: string): Promise<number> => {
  const m = new RegExp(`^${name}\\{outcome="${outcome}"\\} ([0-9]+)`, 'm').exec(
    (await promMetrics(proxy.apiUrl)).body,
  );
  return Number(m?.[1] ?? 0);
};
const reloads = (): Promise<number> => counter('flowproxy_reloads_total', 'ok');
const masterSock = (): string => join(proxy.dirs.runtime, 'master.sock');
const worker = async (): Promise<number | undefined> =>
  parseShowProc(await sendCommand(masterSock(), 'show proc'))?.workers[0];
const mapFile = (name: string): string => join(proxy.dirs.config, name);

/** `key value` pairs of a map as the current worker holds it, and as its file says. */
async function live(name: string): Promise<string[]> {
  const out = await sendCommand(masterSock(), `@1 show map ${mapFile(name)}`);
  return out
    .split('\n')
    .filter((l) => l.startsWith('0x'))
    .map((l) => l.split(' ').slice(1).join(' '))
    .sort();
}
const onDisk = (name: string): string[] =>
  readFileSync(mapFile(name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .sort();

const reconfigure = async (q: string): Promise<void> => {
  const r = await api(proxy.apiUrl, `reconfigure?${q}`);
  expect(r.status).toBe(200);
};
const status = async (path: string, host?: string): Promise<number> =>
  (await http(`${proxy.httpUrl}${path}`, host ? { headers: { Host: host } } : {})).status;

beforeAll(async () => {
  port = await freePort();
  dns = await startDns({ 'tasks.web': ['127.0.0.5'], 'tasks.site': ['127.0.0.5'] });
  backend = await startBackend('web', '127.0.0.5', port);
  proxy = await startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}` } });
  await reconfigure(`serviceName=web&servicePath=/web/&port=${port}`);
  await reconfigure(`serviceName=site&serviceDomain=site.test&port=${port}`);
  await eventually(async () => {
    expect(await status('/web/x')).toBe(200);
    expect(await status('/', 'site.test')).toBe(200);
  });
}, 60000);

afterAll(async () => {
  await proxy?.stop();
  await dns?.stop();
  await backend?.close();
});

describe('changes HAProxy takes at runtime', () => {
  it('a path or domain added to a service is live on the same worker, without a reload, files equal to what runs', async () => {
    const [reloadsBefore, workerBefore, appliedBefore] = [
      await reloads(),
      await worker(),
      await counter('flowproxy_runtime_updates_total', 'applied'),
    ];
    const versionBefore = Number((await api(proxy.apiUrl, 'config?type=json')).json.version);
    await reconfigure(`serviceName=web&servicePath=/web/,/web2/&port=${port}`);
    // 200 means live: the new route answers on the first request.
    expect(await status('/web2/x')).toBe(200);
    await reconfigure(`serviceName=site&serviceDomain=site.test,www.site.test&port=${port}`);
    expect(await status('/', 'www.site.test')).toBe(200);
    expect(await reloads()).toBe(reloadsBefore);
    expect(await worker()).toBe(workerBefore);
    expect(await counter('flowproxy_runtime_updates_total', 'applied')).toBe(appliedBefore + 2);
    expect(await live('paths.map')).toEqual(onDisk('paths.map'));
    expect(await live('hosts.map')).toEqual(onDisk('hosts.map'));
    expect(onDisk('paths.map')).toContain('/web2/ web-be' + port + '_0');
    // The state moved on like any other change: new version, saved, in the config answer.
    const state = (await api(proxy.apiUrl, 'config?type=json')).json;
    expect(Number(state.version)).toBe(versionBefore + 2);
    // state.json is written right after the answer (deferredSaver), not before it.
    await eventually(() =>
      expect(readFileSync(join(proxy!.dirs.config, 'state.json'), 'utf8')).toContain('www.site.test'),
    );

    // Taking the path away again is a map entry too.
    await reconfigure(`serviceName=web&servicePath=/web/&port=${port}`);
    expect(await status('/web2/x')).toBe(503);
    expect(await status('/web/x')).toBe(200);
    expect(await reloads()).toBe(reloadsBefore);
    expect(await live('paths.map')).toEqual(onDisk('paths.map'));

    // The next reload starts from the files: it changes nothing that runs.
    const before = { paths: await live('paths.map'), hosts: await live('hosts.map') };
    expect((await api(proxy.apiUrl, 'reload')).status).toBe(200);
    expect(await reloads()).toBe(reloadsBefore + 1);
    expect(await worker()).not.toBe(workerBefore);
    expect({ paths: await live('paths.map'), hosts: await live('hosts.map') }).toEqual(before);
    expect(await status('/', 'www.site.test')).toBe(200);
    expect(await status('/web2/x')).toBe(503);
  });

  it('a new service needs a new backend: it reloads', async () => {
    const before = await reloads();
    await reconfigure(`serviceName=other&servicePath=/other/&port=${port}&outboundHostname=127.0.0.5`);
    expect(await status('/other/x')).toBe(200);
    expect(await reloads()).toBe(before + 1);
  });

  it('a map edit HAProxy refuses falls back to a reload, and what runs is the files again', async () => {
    await reconfigure(`serviceName=web&servicePath=/web/,/web3/&port=${port}`);
    // Behind the control plane's back, the entry it is about to delete disappears: `del map` fails.
    expect((await sendCommand(masterSock(), `@1 del map ${mapFile('paths.map')} /web3/`)).trim()).toBe('');
    const [reloadsBefore, fallbackBefore] = [
      await reloads(),
      await counter('flowproxy_runtime_updates_total', 'fallback'),
    ];
    await reconfigure(`serviceName=web&servicePath=/web/,/web4/&port=${port}`);
    expect(await counter('flowproxy_runtime_updates_total', 'fallback')).toBe(fallbackBefore + 1);
    expect(await reloads()).toBe(reloadsBefore + 1);
    expect(await status('/web4/x')).toBe(200);
    expect(await status('/web3/x')).toBe(503);
    expect(await live('paths.map')).toEqual(onDisk('paths.map'));
    expect(proxy.log()).toMatch(/runtime API refused the change: reloading instead/);
  });
});
