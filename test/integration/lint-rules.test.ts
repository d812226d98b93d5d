import { beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '@flowproxy/testkit';

// The architectural rules live in eslint.config.js. Flat config replaces (does not merge) a rule's
// options when a later block matches the same file, which once switched a ban off without a sound;
// so every rule is proven here on in-memory snippets at the paths where it must fail and where it
// must pass, against the repository's real config.

const GUARDS = ['no-restricted-imports', 'no-restricted-properties'];

let eslint: ESLint;
beforeAll(() => {
  // The snippets are not on disk, so no TypeScript program can contain them: lint them without
  // type information (the guards are syntactic).
  eslint = new ESLint({ cwd: REPO_ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
});

/** The guard rules a snippet breaks, as if the file lived at `path` in the repository. */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, path) });
  if (!result) throw new Error(`eslint returned no result for ${path}`);
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${path}: ${fatal.message}`);
  return result.messages
    .filter((m) => GUARDS.includes(m.ruleId ?? ''))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const SNIPPETS = {
  dockerode: "import Docker from 'dockerode';\nexport const docker = new Docker();\n",
  childProcess: "import { spawn } from 'node:child_process';\nexport const run = spawn;\n",
  bareChildProcess: "import { execFile } from 'child_process';\nexport const run = execFile;\n",
  envMember: 'export const level = process.env.LOG_LEVEL;\n',
  envComputed: "export const level = process['env'].LOG_LEVEL;\n",
  envDestructured: 'const { env } = process;\nexport const level = env.LOG_LEVEL;\n',
  envImported: "import { env } from 'node:process';\nexport const level = env.LOG_LEVEL;\n",
  fsRead: "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  fsPromises: "import { readFile } from 'fs/promises';\nexport const read = readFile;\n",
} as const;
type Snippet = keyof typeof SNIPPETS;

const ENV_READS: Snippet[] = ['envMember', 'envComputed', 'envDestructured', 'envImported'];
const SPAWNS: Snippet[] = ['childProcess', 'bareChildProcess'];

/** [file, snippet, the message the failure must carry]: each one must fail lint. */
const FORBIDDEN: [string, Snippet, RegExp][] = [
  // dockerode: only the listener's swarm adapter
  ['apps/proxy/src/api/app.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/proxy/src/haproxy/master.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/proxy/src/env.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/swarm-listener/src/core/sync.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/swarm-listener/src/docker/types.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/swarm-listener/src/env.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['apps/demo/src/main.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['packages/protocol/src/parse.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  ['packages/runtime/src/env.ts', 'dockerode', /swarm-api\.ts imports dockerode/],
  // child processes: only the proxy's haproxy/ module
  ...SPAWNS.flatMap((s): [string, Snippet, RegExp][] =>
    [
      'apps/proxy/src/reload/pipeline.ts',
      'apps/proxy/src/env.ts',
      'apps/swarm-listener/src/docker/swarm-api.ts',
      'apps/swarm-listener/src/main.ts',
      'apps/demo/src/main.ts',
      'packages/runtime/src/logger.ts',
    ].map((file): [string, Snippet, RegExp] => [file, s, /haproxy\/ module spawns processes/]),
  ),
  // process.env: only each app's env.ts
  ...ENV_READS.flatMap((s): [string, Snippet, RegExp][] =>
    [
      'apps/proxy/src/reload/pipeline.ts',
      'apps/proxy/src/haproxy/master.ts',
      'apps/swarm-listener/src/docker/swarm-api.ts',
      'apps/swarm-listener/src/wiring.ts',
      'apps/demo/src/main.ts',
      'packages/protocol/src/parse.ts',
      'packages/runtime/src/env.ts',
    ].map((file): [string, Snippet, RegExp] => [file, s, /Only env\.ts reads process\.env/]),
  ),
  // file access: not in the proxy's use cases and routes (state/ adapters read files for them)
  ...(['fsRead', 'fsPromises'] as const).flatMap((s): [string, Snippet, RegExp][] =>
    ['apps/proxy/src/control/control.ts', 'apps/proxy/src/api/cert-routes.ts'].map(
      (file): [string, Snippet, RegExp] => [file, s, /adapters of state/],
    ),
  ),
];

/** [file, snippet]: each one must pass the guards. */
const ALLOWED: [string, Snippet][] = [
  ['apps/swarm-listener/src/docker/swarm-api.ts', 'dockerode'],
  ['apps/proxy/src/haproxy/master.ts', 'childProcess'],
  ['apps/proxy/src/haproxy/check.ts', 'bareChildProcess'],
  ...ENV_READS.flatMap((s): [string, Snippet][] => [
    ['apps/proxy/src/env.ts', s],
    ['apps/swarm-listener/src/env.ts', s],
    ['apps/demo/src/env.ts', s],
  ]),
  // Tests, the test kit and scripts drive real processes and environments on purpose.
  ...(['dockerode', 'childProcess', 'envMember'] as const).flatMap((s): [string, Snippet][] => [
    ['packages/testkit/src/docker.ts', s],
    ['apps/proxy/test/integration/support.ts', s],
    ['apps/swarm-listener/test/integration/helpers.ts', s],
    ['test/e2e/support/swarm.ts', s],
  ]),
  ['apps/proxy/src/state/certs.ts', 'fsRead'],
  ['apps/proxy/src/reload/files.ts', 'fsRead'],
  ['scripts/summary.mjs', 'envMember'],
  ['docker/stage.mjs', 'childProcess'],
];

describe('architectural lint rules', () => {
  it.each(FORBIDDEN)('%s: %s fails lint', async (file, snippet, message) => {
    const found = await violations(file, SNIPPETS[snippet]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it.each(ALLOWED)('%s: %s passes the guards', async (file, snippet) => {
    expect(await violations(file, SNIPPETS[snippet])).toEqual([]);
  });

  it('the guard for a file set names every restriction that holds there (no block silently replaces another)', async () => {
    type Config = { rules: Record<string, [unknown, { paths: { name: string }[] }]> };
    const banned = async (file: string): Promise<string[] | undefined> => {
      const config = (await eslint.calculateConfigForFile(join(REPO_ROOT, file))) as Config;
      return config.rules['no-restricted-imports']?.[1].paths.map((p) => p.name).sort();
    };
    const wide = ['child_process', 'dockerode', 'node:child_process', 'node:process', 'process'];
    // The proxy's non-haproxy sources are matched by the widest set; all three bans must be active there.
    expect(await banned('apps/proxy/src/reload/pipeline.ts')).toEqual(wide);
    // Its use cases and routes add file access to those, without losing any.
    expect(await banned('apps/proxy/src/api/app.ts')).toEqual(
      [...wide, 'fs', 'fs/promises', 'node:fs', 'node:fs/promises'].sort(),
    );
  });
});
