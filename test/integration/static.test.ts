import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@flowproxy/testkit';

const run = promisify(execFile);

/** Runs a command from the repository root; resolves its output, or fails the test with it. */
async function check(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}

// The same checks as `npm run lint`. The architectural rules (only env.ts reads process.env, only
// swarm-api.ts imports dockerode, only the proxy's haproxy module spawns processes, no `any`, no
// floating promises) are lint rules, proven by lint-rules.test.ts; tests are type-checked too, since
// ts-jest compiles them with isolated modules only. Type-aware lint is slow on a busy machine: the
// timeouts are generous on purpose.
describe('static checks', () => {
  it('every workspace passes its lint and typecheck tasks (turbo)', async () => {
    await check('npx', ['turbo', 'run', 'lint', 'typecheck', '--output-logs=errors-only']);
  }, 900_000);
  it('scripts, config files and the repository-level tests lint and type-check', async () => {
    await check('npm', ['run', 'lint:repo', '--silent']);
  }, 600_000);
  it('prettier finds every file formatted', async () => {
    expect(await check('npx', ['prettier', '--check', '.'])).toContain(
      'All matched files use Prettier code style',
    );
  }, 120_000);
});
