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
