'use strict';
// The spec reporter plus a closing line `tests: N passed, N failed` that CI reads: mocha's own
// summary is not parsed, and a run that executed nothing must be visible as such.
const Mocha = require('mocha');
const fs = require('node:fs');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      const line = `tests: ${passes} passed, ${failures} failed` + (pending ? `, ${pending} skipped` : '');
      const target = process.env.GRIDSIGHT_TEST_SUMMARY_FILE;
      if (target) fs.writeFileSync(target, JSON.stringify({ passes, failures, pending, line }));
      else process.stdout.write(`${line}\n`);
    });
  }
}

module.exports = SummaryReporter;
