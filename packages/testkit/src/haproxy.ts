import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type Started } from './procs.js';

export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? 'haproxy';

/** `haproxy -c` on a config file (without -q, which would hide the alerts); returns HAProxy's output when invalid. */
export function checkConfig(file: string): { ok: true } | { ok: false; output: string } {
  try {
    execFileSync(HAPROXY_BIN, ['-c', '-f', file], { stdio: 'pipe' });
    return { ok: true };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, output: `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}` };
  }
}

/**
 * A real HAProxy in the foreground (`-db`), for backends and baselines in tests and benchmarks.
 * (The proxy app runs its own HAProxy; this is for everything around it.)
 */
export function startHaproxy(config: string, name = 'haproxy'): Started & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `flowproxy-${name}-`));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, config);
  const check = checkConfig(cfg);
  if (!check.ok) throw new Error(`invalid HAProxy config for ${name}:\n${check.output}`);
  const p = startProcess(HAPROXY_BIN, ['-db', '-f', cfg], { logFile: join(dir, 'haproxy.log') });
  return Object.assign(p, { dir });
}

/** An HAProxy that answers every request with 200 and a fixed body: the fastest possible backend. */
export function fastBackendConfig(port: number, body = 'ok'): string {
  return `global
  nbthread 1
defaults
  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s
frontend fe
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string ${body}
`;
}
