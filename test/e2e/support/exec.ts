import { spawn } from 'node:child_process';

export interface RunOpts {
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin (e.g. `docker secret create <name> -`). */
  readonly input?: string;
  readonly cwd?: string;
}

/** Runs a command to completion; resolves stdout+stderr when `all`, rejects with both on failure. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOpts = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout: stdout.trim(), stderr: stderr.trim() });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.trim() || stdout.trim()}`));
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', reject);
      child.stdin.end(opts.input);
    }
  });
}

/** The docker CLI; resolves its stdout. */
export async function dk(...args: string[]): Promise<string> {
  return (await run('docker', args)).stdout;
}
