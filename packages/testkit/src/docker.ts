import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const run = promisify(execFile);
/** Repository root, from packages/testkit/dist. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Makes sure a Docker engine in Swarm mode answers on the default socket: starts dockerd and runs
 * `docker swarm init` only when needed (scripts/dockerd.sh records what it started, and
 * `stopDockerIfStarted` stops only that).
 */
export function ensureSwarm(): void {
  const script = join(REPO_ROOT, 'scripts', 'dockerd.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'pipe' });
  execFileSync('bash', [script, 'swarm'], { stdio: 'pipe' });
}

export function stopDockerIfStarted(): void {
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'dockerd.sh'), 'stop'], { stdio: 'pipe' });
}

/** Runs the docker CLI; rejects with its stderr. */
export async function docker(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}
