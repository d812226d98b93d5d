import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@flowproxy/testkit';

const run = promisify(execFile);

/** Runs a tool from the repository root; resolves its output, or fails the test with it. */
async function check(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('npx', [cmd, ...args], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}

// The architectural rules (only env.ts reads process.env, only swarm-api.ts imports dockerode, only
// the proxy's haproxy module spawns processes, no `any`) are lint rules; tests are type-checked too,
// since ts-jest compiles them with isolated modules only.
describe('static checks', () => {
  it('eslint passes', async () => {
    expect(await check('eslint', ['--max-warnings', '0', '.'])).not.toMatch(/error/);
  }, 120_000);
  it('prettier finds every file formatted', async () => {
    expect(await check('prettier', ['--check', '.'])).toContain('All matched files use Prettier code style');
  }, 120_000);
  it('tests and sources type-check', async () => {
    await check('tsc', ['-p', 'tsconfig.test.json']);
  }, 120_000);
});
