import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  readonly rps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly requests: number;
  /** connect + read + write + timeout socket errors. */
  readonly socketErrors: number;
  readonly non2xx: number;
}

const toMs = (v: string, unit: string): number =>
  Number(v) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);

/** Parses `wrk --latency` output. */
export function parseWrk(out: string): WrkResult {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? 0);
  const lat = (pct: string): number => {
    const m = new RegExp(`\\s${pct}%\\s+([0-9.]+)(us|ms|s)`).exec(out);
    return m ? toMs(m[1] ?? '0', m[2] ?? 'ms') : NaN;
  };
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    rps: num(/Requests\/sec:\s+([0-9.]+)/),
    p50ms: lat('50'),
    p99ms: lat('99'),
    requests: num(/(\d+) requests in/),
    socketErrors,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
  };
}

/**
 * wrk from Debian: a C load generator that saturates HAProxy on loopback with little CPU of its
 * own, where a Node generator (autocannon) would be the bottleneck on a 2-core machine.
 */
export async function wrk(
  url: string,
  opts: { connections: number; seconds: number; threads?: number; headers?: string[] },
): Promise<WrkResult> {
  const threads = Math.min(opts.threads ?? 2, opts.connections);
  const args = ['--latency', `-t${threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`];
  for (const h of opts.headers ?? []) args.push('-H', h);
  args.push(url);
  const { stdout } = await run('wrk', args, { maxBuffer: 4 * 1024 * 1024 });
  return parseWrk(stdout);
}
