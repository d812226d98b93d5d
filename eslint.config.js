import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Architectural rules are lint rules so they cannot drift: only env.ts reads process.env, only the
// swarm adapter imports dockerode, only the proxy's haproxy module spawns processes, the proxy's
// control/ and api/ open no file.
// test/integration/lint-rules.test.ts proves each of them fails where it must and passes where allowed.

const DOCKERODE = {
  name: 'dockerode',
  message: 'Only apps/swarm-listener/src/docker/swarm-api.ts imports dockerode.',
};
const CHILD_PROCESS = ['node:child_process', 'child_process'].map((name) => ({
  name,
  message: "Only the proxy's haproxy/ module spawns processes.",
}));
const PROCESS_ENV = ['node:process', 'process'].map((name) => ({
  name,
  importNames: ['env'],
  message: 'Only env.ts reads process.env.',
}));

const FS = ['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({
  name,
  message:
    "The proxy's use cases and routes read files through the adapters of state/ (ControlReads, certEntries).",
}));
// The proxy's use cases and HTTP routes: everything the widest set bans, plus file access.
const PROXY_CORE = ['apps/proxy/src/control/**/*.ts', 'apps/proxy/src/api/**/*.ts'];

/**
 * A later flat-config block that sets `no-restricted-imports` replaces an earlier one for the files
 * both match (options are not merged), which once switched the proxy's dockerode ban off silently.
 * So each file set gets one block listing every restriction that holds for it, and the exceptions
 * below are disjoint: no file is matched by two of them.
 */
function restrictImports(files, paths) {
  return { files, rules: { 'no-restricted-imports': ['error', { paths }] } };
}

const APP_SOURCES = ['apps/*/src/**/*.ts', 'packages/protocol/src/**/*.ts', 'packages/runtime/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      // Type-aware rules (floating promises, promises passed where a callback's result is ignored)
      // need the program: each file is checked with the nearest tsconfig.json that includes it.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An async function without await is how fakes and handlers satisfy a Promise-returning type.
      '@typescript-eslint/require-await': 'off',
      // AbortSignal.reason is `any`: rethrowing it as the rejection is the standard abort contract.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
    },
  },
  {
    // Tests assert on untyped answers (supertest's res.body, JSON.parse): reading them is the point.
    files: ['**/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Scripts and config files are plain ESM for Node: linted, but without type information.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: APP_SOURCES,
    ignores: ['apps/*/src/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only env.ts reads process.env.' },
      ],
    },
  },
  restrictImports(APP_SOURCES, [DOCKERODE, ...CHILD_PROCESS, ...PROCESS_ENV]),
  restrictImports(PROXY_CORE, [DOCKERODE, ...CHILD_PROCESS, ...PROCESS_ENV, ...FS]),
  restrictImports(['apps/swarm-listener/src/docker/swarm-api.ts'], [...CHILD_PROCESS, ...PROCESS_ENV]),
  restrictImports(['apps/proxy/src/haproxy/**/*.ts'], [DOCKERODE, ...PROCESS_ENV]),
  restrictImports(['apps/*/src/env.ts'], [DOCKERODE, ...CHILD_PROCESS]),
);
