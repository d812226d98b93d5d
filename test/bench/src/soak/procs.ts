import { readFileSync, readdirSync } from 'node:fs';
import { dk } from '../../../e2e/support/exec.js';
import { containersOf } from '../../../e2e/support/swarm.js';
import { children, rssMb } from '../proc.js';

/** Memory and open file descriptors of one process (or the sum over several: HAProxy's workers). */
export interface Usage {
  readonly rssMb: number;
  readonly fds: number;
  readonly count: number;
}

/** One sample of both apps' processes, seen from the host's /proc (the soak runs as root). */
export interface ProcSample {
  readonly proxyContainer: string;
  readonly listenerContainer: string;
  readonly proxyNode?: Usage;
  readonly haproxyMaster?: Usage;
  readonly haproxyWorkers?: Usage;
  readonly listenerNode?: Usage;
}

const fds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const comm = (pid: number): string => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const c of children(pid)) out.push(c, ...descendants(c));
  return out;
}

function usage(pids: readonly number[]): Usage | undefined {
  let rss = 0;
  let n = 0;
  let count = 0;
  for (const p of pids) {
    try {
      rss += rssMb(p);
      n += fds(p);
      count++;
    } catch {
      // exited while sampled (an old HAProxy worker finishing)
    }
  }
  return count === 0 ? undefined : { rssMb: rss, fds: n, count };
}

/** The container's pid 1 on the host; 0 (never a process tree to walk) once it has stopped. */
async function rootPid(container: string): Promise<number> {
  return Number(await dk('inspect', '-f', '{{.State.Pid}}', container).catch(() => '0')) || 0;
}

/**
 * The processes of the proxy and listener tasks: tini (pid 1 in the container) runs node; in the
 * proxy, HAProxy's master is the `haproxy -W` process and its workers are the master's children
 * (a transient `haproxy -c` check is neither).
 */
export async function sampleProcs(proxyService: string, listenerService: string): Promise<ProcSample> {
  const [proxyContainer = ''] = await containersOf(proxyService);
  const [listenerContainer = ''] = await containersOf(listenerService);
  const sample: {
    proxyContainer: string;
    listenerContainer: string;
    proxyNode?: Usage;
    haproxyMaster?: Usage;
    haproxyWorkers?: Usage;
    listenerNode?: Usage;
  } = { proxyContainer, listenerContainer };
  const proxyRoot = proxyContainer ? await rootPid(proxyContainer) : 0;
  if (proxyRoot > 0) {
    const all = descendants(proxyRoot);
    const node = all.filter((p) => safe(() => comm(p)) === 'node');
    const masters = all.filter(
      (p) => safe(() => comm(p)) === 'haproxy' && (safe(() => cmdline(p)) ?? []).includes('-W'),
    );
    sample.proxyNode = usage(node);
    sample.haproxyMaster = usage(masters);
    sample.haproxyWorkers = usage(masters.flatMap((m) => children(m)));
  }
  const listenerRoot = listenerContainer ? await rootPid(listenerContainer) : 0;
  if (listenerRoot > 0) {
    const all = descendants(listenerRoot);
    sample.listenerNode = usage(all.filter((p) => safe(() => comm(p)) === 'node'));
  }
  return sample;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
