import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect, createServer, type Server } from 'node:net';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(30000);

// TCP groups (serviceGroup/balanceGroup): several tcp services behind one srcPort, real HAProxy.
/** A tcp server that greets every connection with its name. */
function namedServer(name: string, host: string, port: number): Promise<Server> {
  const server = createServer((sock) => {
    sock.on('error', () => undefined);
    sock.end(`${name}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (c: Buffer) => (data += c.toString('utf8')));
    sock.on('end', () => resolve(data.trim()));
    sock.on('error', reject);
  });
}

let proxy: StartedProxy;
const servers: Server[] = [];
let srcPort = 0;
let aPort = 0;
let bPort = 0;

beforeAll(async () => {
  [srcPort, aPort, bPort] = (await freePorts(3)) as [number, number, number];
  servers.push(await namedServer('a', '127.0.0.12', aPort), await namedServer('b', '127.0.0.12', bPort));
  proxy = await startProxy();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('tcp groups', () => {
  const member = (name: string, port: number, extra = ''): string =>
    `reconfigure?serviceName=${name}&reqMode=tcp&srcPort=${srcPort}&port=${port}&outboundHostname=127.0.0.12&serviceGroup=cache${extra}`;

  it('two tcp services with the same serviceGroup and srcPort share it, balanced round robin', async () => {
    expect((await api(proxy.apiUrl, member('cache-a', aPort))).status).toBe(200);
    expect((await api(proxy.apiUrl, member('cache-b', bPort))).status).toBe(200);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await greeting(srcPort));
    expect(seen.filter((x) => x === 'a').length).toBe(3);
    expect(seen.filter((x) => x === 'b').length).toBe(3);
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    expect(cfg).toMatch(new RegExp(`^frontend tcpListen_cache_${srcPort}$`, 'm'));
    expect(cfg).toMatch(
      new RegExp(`^backend tcpListen_cache_${srcPort}\\n {4}mode tcp\\n {4}balance roundrobin$`, 'm'),
    );
  });

  it('balanceGroup sets the balance algorithm; removing a member leaves the other serving', async () => {
    expect((await api(proxy.apiUrl, member('cache-a', aPort, '&balanceGroup=first'))).status).toBe(200);
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    expect(cfg).toMatch(
      new RegExp(`^backend tcpListen_cache_${srcPort}\\n {4}mode tcp\\n {4}balance first$`, 'm'),
    );
    expect((await api(proxy.apiUrl, 'remove?serviceName=cache-a')).status).toBe(200);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(await greeting(srcPort));
    expect([...seen]).toEqual(['b']);
  });

  it('an unknown balance algorithm is a 400 naming balanceGroup', async () => {
    const r = await api(proxy.apiUrl, member('cache-c', aPort, '&balanceGroup=random'));
    expect(r.status).toBe(400);
    expect(String(r.json.message)).toContain('balanceGroup');
  });
});
