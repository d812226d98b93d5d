import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '@flowproxy/runtime';
import { outputLevel, RoutineSummary, routineKind } from './output.js';
import { alive } from './proc.js';
import { parseShowProc, type ProcInfo } from './show-proc.js';
import { sendCommand } from './socket.js';

export class HaproxyError extends Error {
  constructor(
    readonly code:
      'HAPROXY_START_FAILED' | 'HAPROXY_RELOAD_FAILED' | 'HAPROXY_NOT_RUNNING' | 'HAPROXY_FOREIGN_MASTER',
    message: string,
  ) {
    super(message);
    this.name = 'HaproxyError';
  }
}

export interface MasterOptions {
  readonly bin: string;
  /** Absolute path: the master re-executes itself with the same arguments on every reload. */
  readonly cfgFile: string;
  readonly runtimeDir: string;
  readonly logger: Logger;
  /** How long a reload or a start may take before it counts as failed. */
  readonly timeoutMs?: number;
}

export const runtimePaths = (runtimeDir: string) => ({
  pidFile: join(runtimeDir, 'haproxy.pid'),
  masterSock: join(runtimeDir, 'master.sock'),
  adminSock: join(runtimeDir, 'admin.sock'),
  serverState: join(runtimeDir, 'server-state'),
});

/**
 * A fresh start in two steps (first-resolution.ts): `prepare` writes what the master starts with
 * and says whether a second step is needed; `settle` runs once it serves and puts the real
 * configuration back, which the master is then reloaded with.
 */
export interface WarmStart {
  prepare(): boolean;
  settle(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How often an adopted master's liveness is checked. */
const ADOPTED_POLL_MS = 50;

/**
 * HAProxy in master-worker mode (`-W -S master.sock`): the only place that starts it. A reload is
 * SIGUSR2 to the master, which hands the listening sockets to the new worker itself (0 failed
 * requests measured here); it is confirmed on the master CLI because 2.6 reports no status.
 * A master left running by a previous control plane is adopted instead of started twice.
 */
export class HaproxyMaster {
  private child: ChildProcess | undefined;
  private childExit: Promise<void> = Promise.resolve();
  private masterPid: number | undefined;
  private stopping = false;
  private watch: NodeJS.Timeout | undefined;
  private readonly paths: ReturnType<typeof runtimePaths>;
  private readonly timeoutMs: number;
  /** HAProxy's per-proxy lines of a reload, one summary line each time (output.ts). */
  private readonly routine = new RoutineSummary(1000, (counts) =>
    this.opts.logger.info('HAProxy routine output, summarized', { event: 'haproxy.output', ...counts }),
  );
  /** Called after the master died unexpectedly and was started again. */
  onRestart: (() => void) | undefined;

  constructor(private readonly opts: MasterOptions) {
    this.paths = runtimePaths(opts.runtimeDir);
    this.timeoutMs = opts.timeoutMs ?? 10000;
  }

  get pid(): number | undefined {
    return this.masterPid;
  }

  /**
   * Adopts a live master of ours and reloads it, or starts one. Ours means: the pid file's process
   * was started with our master socket *and* our configuration file (its /proc cmdline, which the
   * master keeps when it re-executes itself on reload). A master on our socket with another configuration belongs to a
   * neighbour that shares RUNTIME_DIR: refused, never adopted, reloaded or stopped.
   */
  async startOrAdopt(warm?: WarmStart): Promise<'adopted' | 'started'> {
    const pid = this.previousMaster();
    if (pid !== undefined) {
      this.masterPid = pid;
      this.opts.logger.info('adopting the running HAProxy master', { event: 'haproxy.adopt', pid });
      this.watchAdopted();
      await this.reload();
      return 'adopted';
    }
    const twoSteps = warm?.prepare() ?? false;
    await this.start();
    if (warm && twoSteps) {
      try {
        await warm.settle();
        await this.reload();
      } catch (e) {
        // A master left serving the first step's configuration would never bind the public ports.
        await this.stop();
        throw new HaproxyError('HAPROXY_START_FAILED', `HAProxy start, second step: ${(e as Error).message}`);
      }
    }
    return 'started';
  }

  private previousMaster(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.paths.pidFile, 'utf8').trim());
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return undefined;
    let cmdline: string[];
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return undefined;
    }
    if (!cmdline.some((a) => a.startsWith(this.paths.masterSock))) return undefined; // a reused pid
    const cfg = cmdline[cmdline.indexOf('-f') + 1];
    if (cmdline.indexOf('-f') < 0 || cfg !== this.opts.cfgFile)
      throw new HaproxyError(
        'HAPROXY_FOREIGN_MASTER',
        `RUNTIME_DIR ${this.opts.runtimeDir} has a running HAProxy master (pid ${pid}) of another configuration (${cfg ?? 'unknown'}, not ${this.opts.cfgFile}): refusing to adopt or replace it; give each proxy its own RUNTIME_DIR`,
      );
    return pid;
  }

  async start(): Promise<void> {
    const args = [
      '-W',
      '-S',
      `${this.paths.masterSock},mode,600`,
      '-p',
      this.paths.pidFile,
      '-f',
      this.opts.cfgFile,
    ];
    const child = spawn(this.opts.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const output: string[] = [];
    const pipe = (stream: NodeJS.ReadableStream | null): void => {
      if (!stream) return;
      createInterface({ input: stream }).on('line', (line) => {
        if (output.length < 50) output.push(line);
        const routine = routineKind(line);
        if (routine) this.routine.add(routine);
        else this.opts.logger.log(outputLevel(line), line, { event: 'haproxy.output' });
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    let exited = false;
    let markExited: () => void = () => undefined;
    this.childExit = new Promise<void>((r) => (markExited = r));
    child.once('exit', (code, signal) => {
      exited = true;
      markExited();
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      this.opts.logger.error('HAProxy master exited', { event: 'haproxy.exit', code, signal });
      if (this.masterPid === child.pid) void this.restartLater();
    });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (exited)
        throw new HaproxyError(
          'HAPROXY_START_FAILED',
          `HAProxy exited at start: ${output.slice(-8).join(' | ')}`,
        );
      const info = await this.showProc().catch(() => undefined);
      if (info && info.workers.length > 0) {
        this.masterPid = child.pid;
        this.opts.logger.info('HAProxy started', {
          event: 'haproxy.start',
          pid: child.pid,
          worker: info.workers[0],
        });
        return;
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new HaproxyError(
          'HAPROXY_START_FAILED',
          `HAProxy did not start a worker within ${this.timeoutMs} ms`,
        );
      }
      await sleep(20);
    }
  }

  /** A master that died (it exits when a worker crashes) is started again at once, then with a backoff. */
  private async restartLater(): Promise<void> {
    this.masterPid = undefined;
    for (let attempt = 1; !this.stopping; attempt++) {
      if (attempt > 1) await sleep(Math.min(200 * (attempt - 1), 2000));
      if (this.stopping) return;
      try {
        await this.start();
        this.onRestart?.();
        return;
      } catch (e) {
        this.opts.logger.error('HAProxy restart failed', {
          event: 'haproxy.restart',
          attempt,
          error: (e as Error).message,
        });
      }
    }
  }

  /**
   * An adopted master is not our child, so no exit event tells us it died: poll it (a signal-0
   * kill is a cheap syscall) often enough that recovery stays well under a second.
   */
  private watchAdopted(): void {
    this.watch = setInterval(() => {
      const pid = this.masterPid;
      if (pid === undefined || this.child || this.stopping || alive(pid)) return;
      this.opts.logger.error('adopted HAProxy master is gone', { event: 'haproxy.exit', pid });
      void this.restartLater();
    }, ADOPTED_POLL_MS);
    this.watch.unref();
  }

  showProc(): Promise<ProcInfo | undefined> {
    return sendCommand(this.paths.masterSock, 'show proc', 1000).then(parseShowProc);
  }

  /**
   * Keeps DNS-resolved addresses across the reload (`server-state-file`), signals the master and
   * waits until `show proc` shows a new worker (success) or a failed reload count (failure).
   */
  async reload(): Promise<void> {
    const pid = this.masterPid;
    if (pid === undefined || !alive(pid))
      throw new HaproxyError('HAPROXY_NOT_RUNNING', 'HAProxy is not running');
    await this.saveServerState();
    const before = await this.retryShowProc();
    process.kill(pid, 'SIGUSR2');
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      await sleep(10);
      const now = await this.showProc().catch(() => undefined);
      if (!now || now.reloads <= before.reloads) continue;
      if (now.failedReloads > before.failedReloads) {
        throw new HaproxyError(
          'HAPROXY_RELOAD_FAILED',
          'HAProxy refused the new configuration (see its log)',
        );
      }
      // Done once only new workers are current: the old ones are soft-stopping and take no new work.
      if (now.workers.length > 0 && now.workers.every((w) => !before.workers.includes(w))) return;
    }
    throw new HaproxyError('HAPROXY_RELOAD_FAILED', `no new HAProxy worker within ${this.timeoutMs} ms`);
  }

  private async retryShowProc(): Promise<ProcInfo> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const info = await this.showProc().catch(() => undefined);
      if (info) return info;
      if (Date.now() > deadline)
        throw new HaproxyError('HAPROXY_NOT_RUNNING', 'the HAProxy master CLI does not answer');
      await sleep(20);
    }
  }

  private async saveServerState(): Promise<void> {
    try {
      const state = await sendCommand(this.paths.adminSock, 'show servers state', 2000);
      if (!state.startsWith('1')) return; // version line; anything else is an error message
      const tmp = `${this.paths.serverState}.tmp`;
      writeFileSync(tmp, state);
      renameSync(tmp, this.paths.serverState);
    } catch (e) {
      this.opts.logger.debug('no server state saved', {
        event: 'haproxy.server-state',
        error: (e as Error).message,
      });
    }
  }

  /** Stops the master (and with it the workers): SIGUSR1 lets workers finish, SIGTERM after a grace period. */
  async stop(graceMs = 3000): Promise<void> {
    this.stopping = true;
    if (this.watch) clearInterval(this.watch);
    const pid = this.masterPid;
    if (pid === undefined || !alive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(20);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    // A child of ours must be reaped before its pid counts as gone.
    await this.childExit;
    this.routine.emit();
  }

  /** Leaves HAProxy running (a restarted control plane adopts it). */
  detach(): void {
    this.stopping = true;
    if (this.watch) clearInterval(this.watch);
  }
}
