import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Architectural rules are lint rules so they cannot drift: only env.ts reads process.env, only the
// swarm adapter imports dockerode, only the proxy's haproxy module spawns processes.
export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'packages/protocol/src/**/*.ts', 'packages/runtime/src/**/*.ts'],
    ignores: ['apps/*/src/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only env.ts reads process.env.' },
      ],
    },
  },
  {
    files: ['apps/**/src/**/*.ts'],
    ignores: ['apps/swarm-listener/src/docker/swarm-api.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'dockerode', message: 'Only docker/swarm-api.ts imports dockerode.' }] },
      ],
    },
  },
  {
    files: ['apps/proxy/src/**/*.ts'],
    ignores: ['apps/proxy/src/haproxy/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:child_process', message: 'Only the haproxy module spawns processes.' },
            { name: 'child_process', message: 'Only the haproxy module spawns processes.' },
          ],
        },
      ],
    },
  },
);
