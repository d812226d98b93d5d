import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

export interface Started {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  log(): string;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/**
 * Starts a background process whose output goes to a file (never the inherited stdio: a leftover
 * holder of CI's pipe would keep the run from ending). `stop` signals that pid only, then KILLs it.
 */
export function startProcess(
  cmd: string,
  args: readonly string[],
  opts: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Started {
  const fd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, {
    stdio: ['ignore', fd, fd],
    env: opts.env ?? process.env,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  let exited = false;
  const exitP = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  return {
    pid,
    child,
    logFile: opts.logFile,
    log: () => readFileSync(opts.logFile, 'utf8'),
    async stop(signal = 'SIGTERM', timeoutMs = 5000) {
      if (exited) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exitP;
      clearTimeout(t);
    },
  };
}

/** True while a pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
