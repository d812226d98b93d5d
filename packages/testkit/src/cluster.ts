import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './docker.js';

const exec = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts', 'cluster.sh');

/**
 * The multi-node Swarm of scripts/cluster.sh: nodes fpn1..fpnN, each a dockerd in its own
 * namespaces, node I at 10.99.0.I (reachable from the host), managers first. Callers hold
 * `flock /tmp/flowproxy-multinode.lock` (scripts/test.sh does) so two runs never share it.
 */
export const CLUSTER = {
  script: SCRIPT,
  stateDir: '/tmp/flowproxy-cluster',
  addr: (node: number): string => `10.99.0.${node}`,
  socket: (node: number): string => `/tmp/flowproxy-cluster/fpn${node}.sock`,
  hostname: (node: number): string => `fpn${node}`,
} as const;

async function script(args: readonly string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await exec('bash', [SCRIPT, ...args], {
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`cluster.sh ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`, {
      cause: e,
    });
  }
}

/** Starts (or keeps) a cluster; resolves cluster.sh's summary. Idempotent. */
export function startCluster(opts: { nodes?: number; managers?: number } = {}): Promise<string> {
  return script(
    ['start', '--nodes', String(opts.nodes ?? 3), '--managers', String(opts.managers ?? 1)],
    300_000,
  );
}

/** Stops the cluster and removes everything it created. */
export function stopCluster(): Promise<string> {
  return script(['stop'], 120_000);
}

/** What a stopped cluster left behind (namespaces, links, mounts, cgroups, dirs, processes). */
export async function clusterLeftovers(): Promise<string[]> {
  try {
    await exec('bash', [SCRIPT, 'leftovers'], { timeout: 30_000 });
    return [];
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? '';
    const lines = out.split('\n').filter((l) => l.startsWith('leftover: '));
    if (lines.length === 0) throw e;
    return lines;
  }
}

/** SIGKILLs node `i`'s dockerd: containerd, shims and containers die with its PID namespace. */
export function killNode(i: number): Promise<string> {
  return script(['kill-node', String(i)], 60_000);
}

/** Restarts a killed node and waits until every node is Ready again. */
export function startNode(i: number): Promise<string> {
  return script(['start-node', String(i)], 180_000);
}

/** The docker CLI against node `i`; rejects with its stderr. */
export async function nodeDocker(i: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('docker', ['-H', `unix://${CLUSTER.socket(i)}`, ...args], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`docker (fpn${i}) ${args.join(' ')} failed: ${err.stderr || err.message}`, { cause: e });
  }
}
