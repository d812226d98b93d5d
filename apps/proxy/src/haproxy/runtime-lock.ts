import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { alive, processStat } from './proc.js';

export class RuntimeDirError extends Error {
  constructor(
    readonly code: 'RUNTIME_DIR_LOCKED' | 'RUNTIME_DIR_UNSAFE',
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeDirError';
  }
}

export const LOCK_NAME = 'control-plane.lock';

interface Holder {
  readonly pid: number;
  /** Start time of the process (clock ticks since boot, /proc/<pid>/stat field 22): tells a reused pid apart. */
  readonly start: string;
}

function readHolder(file: string): { text: string; holder: Holder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return {
      text,
      holder:
        typeof h.pid === 'number' && typeof h.start === 'string' ? { pid: h.pid, start: h.start } : undefined,
    };
  } catch {
    return { text, holder: undefined };
  }
}

/** A live holder is another process whose pid still has the recorded start time. */
const isLive = (h: Holder | undefined): h is Holder =>
  h !== undefined && h.pid !== process.pid && alive(h.pid) && processStat(h.pid)?.start === h.start;

/**
 * RUNTIME_DIR holds the HAProxy master's pid file and sockets: a private directory of ours (not a
 * symlink, owned by this user), created when missing.
 */
export function ensureRuntimeDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory())
    throw new RuntimeDirError(
      'RUNTIME_DIR_UNSAFE',
      `RUNTIME_DIR ${dir} is not a directory (or is a symlink)`,
    );
  if (uid !== undefined && uid !== 0 && st.uid !== uid)
    throw new RuntimeDirError(
      'RUNTIME_DIR_UNSAFE',
      `RUNTIME_DIR ${dir} belongs to uid ${st.uid}, not to this user (${uid}): set a RUNTIME_DIR of your own`,
    );
}

export interface RuntimeLock {
  readonly file: string;
  /** Deletes the lock file if it is still ours. */
  release(): void;
}

/**
 * Takes RUNTIME_DIR for this process's lifetime: two live control planes sharing it would adopt,
 * reload and stop each other's HAProxy. The lock file records our pid and its start time; a
 * file whose process is gone (crash, SIGKILL, container restart) is stale and taken over. It works
 * within one pid namespace (one host, or one container): do not share RUNTIME_DIR across containers.
 */
export function acquireRuntimeLock(runtimeDir: string): RuntimeLock {
  const file = join(runtimeDir, LOCK_NAME);
  const me: Holder = { pid: process.pid, start: processStat(process.pid)?.start ?? '' };
  const mine = JSON.stringify(me);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return {
        file,
        release: () => {
          if (readHolder(file)?.text === mine) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = readHolder(file);
    if (current === undefined) continue; // released meanwhile
    if (isLive(current.holder))
      throw new RuntimeDirError(
        'RUNTIME_DIR_LOCKED',
        `RUNTIME_DIR ${runtimeDir} is in use by another flowproxy control plane (pid ${current.holder.pid}, ${file}): give each proxy its own RUNTIME_DIR (its default is derived from CONFIG_DIR)`,
      );
    // Stale: move it aside, and put it back if what was moved is not what was judged stale (another
    // process took over in between).
    const aside = `${file}.stale-${process.pid}`;
    try {
      linkSync(file, aside);
    } catch {
      continue;
    }
    const moved = readHolder(aside);
    if (moved?.text === current.text) rmSync(file, { force: true });
    rmSync(aside, { force: true });
  }
  throw new RuntimeDirError('RUNTIME_DIR_LOCKED', `could not take the lock ${file}`);
}
