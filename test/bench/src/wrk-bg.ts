import { spawn } from 'node:child_process';
import { parseWrk, type WrkResult } from './wrk.js';

/** wrk running until stopped (SIGINT makes wrk print its totals), for load during a sequence of changes. */
export function wrkUntilStopped(
  url: string,
  opts: { connections: number; headers?: string[] },
): { stop(): Promise<WrkResult> } {
  const args = ['--latency', `-t${Math.min(2, opts.connections)}`, `-c${opts.connections}`, '-d3600s'];
  for (const h of opts.headers ?? []) args.push('-H', h);
  args.push(url);
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    async stop() {
      child.kill('SIGINT');
      await done;
      return parseWrk(out);
    },
  };
}
