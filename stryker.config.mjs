// Mutation testing (`npm run mutate`): Stryker changes one operator, condition or literal at a time in the files
// below and runs the tests that cover it; a change no test notices ("survived") is behaviour nobody pins.
// Not part of `npm test` or CI: a full run takes a long time (see README, "Mutation testing").
// One file: `npm run mutate -- --mutate lib/private/schedule.ts`.

import process from 'node:process';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Merged over jest.config.js. Left out: the example and reference apps (minutes of synthesis each, nothing
    // they check that the construct tests do not) and the README test (a TypeScript compile of the docs).
    // The integration tests stay: they are the only tests of the verify job's SQL checks.
    // Stryker runs only the test files related to the mutated file (`--findRelatedTests`); jest can follow the
    // imports only through files under its roots, so lib/ and lambda/ join test/ (they hold no tests).
    config: {
      roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/lambda'],
      // Skips the rest of a mutant's tests once one has failed (test/stryker-environment.js).
      testEnvironment: './test/stryker-environment.js',
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/examples/', '<rootDir>/test/app/', '<rootDir>/test/readme\\.test\\.ts$'],
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/private/**/*.ts',
    'lib/vault/vault-lock.ts',
    'lib/databases/windows.ts',
    'lambda/verify-dump/checks.ts',
  ],
  // Stryker puts `// @ts-nocheck` atop mutated files; ts-jest only transpiles, but keep mutants free of type errors.
  disableTypeChecks: '{lib,lambda,test}/**/*.ts',
  // Not needed to run the tests, so not copied into the sandbox.
  ignorePatterns: ['/dist', '/cdk.out', '/coverage', '/bench/data', '/lambda/image/dist', '/.jsii'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 90, low: 80, break: null },
  // Static mutants change what runs when a module is loaded (regexes, name lists, constants); Stryker cannot tell
  // which tests they affect and reruns every related test file for each, which makes a full run take many hours.
  // They are reported as "Ignored" and left out of the score. `MUTATE_STATIC=1` includes them: use it with one file.
  ignoreStatic: process.env.MUTATE_STATIC !== '1',
  // The machine's cores are shared; the integration tests start a PostgreSQL server per test file.
  concurrency: 2,
  // The dry run is the whole selected suite, instrumented (several minutes).
  dryRunTimeoutMinutes: 20,
  // Leaves room for a busy machine before a slow test counts as a mutant's infinite loop.
  timeoutMS: 30000,
};

export default config;
