// ESM everywhere (p-retry is ESM-only): ts-jest compiles tests as ES modules and jest runs them
// under --experimental-vm-modules (see docs/ARCHITECTURE.md, "Module strategy").
// A test waits generously and asserts behaviour; `npm run bench` measures time. A test that forgets
// its own timeout must not fail on a loaded machine because of jest's 5 s default.
const SLOW_MS = 180_000;

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

export default {
  // Global on purpose: jest 30 ignores `testTimeout` inside a project entry (measured: a 6 s test
  // in the integration project failed at jest's 5 s default while the project said 180 s).
  testTimeout: SLOW_MS,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/apps/*/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/apps/*/test/integration/**/*.test.ts',
        '<rootDir>/test/integration/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'bench',
      testMatch: ['<rootDir>/test/bench/test/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '/test/e2e/multinode/'],
    },
    {
      // Its own Swarm of dockerd nodes (scripts/cluster.sh), one per machine: see scripts/test.sh.
      ...common,
      displayName: 'multinode',
      testMatch: ['<rootDir>/test/e2e/multinode/**/*.test.ts'],
    },
  ],
};
