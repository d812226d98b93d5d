import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStat } from '../../../src/haproxy/proc.js';
import { acquireRuntimeLock, ensureRuntimeDir, LOCK_NAME } from '../../../src/haproxy/runtime-lock.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'flowproxy-lock-'));
const holder = (pid: number, start: string): string => JSON.stringify({ pid, start });

describe('the RUNTIME_DIR lock', () => {
  it('is taken, held and released', () => {
    const d = dir();
    const lock = acquireRuntimeLock(d);
    expect(JSON.parse(readFileSync(join(d, LOCK_NAME), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(join(d, LOCK_NAME))).toBe(false);
  });

  it('is refused while another live process holds it, naming RUNTIME_DIR', () => {
    const d = dir();
    const parent = processStat(process.ppid)?.start as string;
    writeFileSync(join(d, LOCK_NAME), holder(process.ppid, parent));
    expect(() => acquireRuntimeLock(d)).toThrow(
      expect.objectContaining({ code: 'RUNTIME_DIR_LOCKED', message: expect.stringContaining(d) }),
    );
  });

  it.each([
    ['a process that is gone', holder(2 ** 22 + 7, '1')],
    ['a reused pid (another start time)', holder(process.ppid, '1')],
    ['an unreadable lock file', 'not json'],
  ])('takes over the lock of %s', (_what, content) => {
    const d = dir();
    writeFileSync(join(d, LOCK_NAME), content);
    acquireRuntimeLock(d).release();
  });
});

describe('RUNTIME_DIR itself', () => {
  it('is created private, and refused when it is a symlink', () => {
    const d = join(dir(), 'run');
    ensureRuntimeDir(d);
    const link = join(dir(), 'link');
    symlinkSync(d, link);
    expect(() => ensureRuntimeDir(link)).toThrow(expect.objectContaining({ code: 'RUNTIME_DIR_UNSAFE' }));
  });
});
