// The Jest environment of `npm run mutate` only (stryker.config.mjs). Jest has no per-run bail that Stryker can use,
// so a mutant's run goes on through every covering test after the first one has killed it; with hundreds of
// construct tests covering a shared helper that is most of a full run. Here, once a test has failed under a mutant,
// the rest of that mutant's tests are skipped. The dry run and surviving mutants run every test, as without it.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

/** Set by Stryker in its test runner process to the id of the mutant under test. */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** The mutant a test has failed under; in the runner process's environment so it outlives one test file. */
const KILLED_MUTANT = 'MUTATE_KILLED_MUTANT';

class BailEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) {
      return;
    }
    if (event.name === 'test_done' && event.test.errors.length > 0) {
      process.env[KILLED_MUTANT] = mutant;
    } else if (event.name === 'test_start' && process.env[KILLED_MUTANT] === mutant) {
      event.test.mode = 'skip';
    }
  }
}

module.exports = BailEnvironment;
