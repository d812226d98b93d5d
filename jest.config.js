// ESM everywhere (p-retry is ESM-only): ts-jest compiles tests as ES modules and jest runs them
// under --experimental-vm-modules (see docs/ARCHITECTURE.md, "Module strategy").
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.test.json' }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

export default {
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
    },
  ],
};
