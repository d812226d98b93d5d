import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { startProcess } from './procs.js';

export interface Dns {
  /** `127.0.0.1:<port>`, for HAProxy `nameserver` lines and node's Resolver.setServers. */
  readonly address: string;
  readonly port: number;
  /** Replaces every record (name -> IPv4 addresses) and makes dnsmasq re-read them. */
  set(records: Readonly<Record<string, readonly string[]>>): void;
  stop(): Promise<void>;
}

/**
 * A private DNS server (dnsmasq) on 127.0.0.1 answering only the given names; every other name gets
 * NXDOMAIN, so nothing ever reaches the host's resolver. TTL 1 s.
 */
export async function startDns(records: Readonly<Record<string, readonly string[]>> = {}): Promise<Dns> {
  const dir = mkdtempSync(join(tmpdir(), 'flowproxy-dns-'));
  const hosts = join(dir, 'hosts');
  const pidFile = join(dir, 'dnsmasq.pid');
  const write = (r: Readonly<Record<string, readonly string[]>>): void =>
    writeFileSync(
      hosts,
      Object.entries(r)
        .flatMap(([name, ips]) => ips.map((ip) => `${ip} ${name}\n`))
        .join(''),
    );
  write(records);
  const port = await freePort();
  const p = startProcess(
    'dnsmasq',
    [
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      `--addn-hosts=${hosts}`,
      '--local=/#/',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${port}`,
      '--local-ttl=1',
      '--user=root',
      '--keep-in-foreground',
      `--pid-file=${pidFile}`,
    ],
    { logFile: join(dir, 'dnsmasq.log') },
  );
  await eventually(() => {
    if (p.child.exitCode !== null) throw new Error(`dnsmasq exited: ${p.log()}`);
    readFileSync(pidFile, 'utf8');
  });
  return {
    address: `127.0.0.1:${port}`,
    port,
    set(r) {
      write(r);
      process.kill(p.pid, 'SIGHUP');
    },
    stop: () => p.stop(),
  };
}

/**
 * A relay in front of `upstream` that holds every answer back `delayMs` (a DNS that is slow the
 * first time, as Docker's can be on a node that just joined): UDP only, queries matched by id.
 * It owns `upstream`: stop() stops both.
 */
export async function startSlowDns(upstream: Dns, delayMs: number): Promise<Dns> {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const waiting = new Map<number, { port: number; address: string }>();
  const timers = new Set<NodeJS.Timeout>();
  front.on('message', (msg, from) => {
    if (msg.length < 2) return;
    waiting.set(msg.readUInt16BE(0), { port: from.port, address: from.address });
    back.send(msg, upstream.port, '127.0.0.1');
  });
  back.on('message', (msg) => {
    if (msg.length < 2) return;
    const to = waiting.get(msg.readUInt16BE(0));
    if (!to) return;
    const t = setTimeout(() => {
      timers.delete(t);
      front.send(msg, to.port, to.address);
    }, delayMs);
    timers.add(t);
  });
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', r));
  const port = front.address().port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    set: (r) => upstream.set(r),
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      front.close();
      back.close();
      await upstream.stop();
    },
  };
}
