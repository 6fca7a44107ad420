import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const python = join(repo, '.venv', 'bin', 'python');

describe('synthetic scene generator (Python, run from the dev venv)', function () {
  this.timeout(300_000);

  it("draws scenes whose YOLO labels line up with the pixels it drew (models/python/tests)", () => {
    assert.ok(existsSync(python), `${python} is missing: run node scripts/bootstrap.mjs to create the dev venv`);
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', join(repo, 'models', 'python', 'tests'), '-v'], { encoding: 'utf8' });
    const ran = /Ran (\d+) tests?/.exec(run.stderr);
    assert.equal(run.status, 0, run.stderr.slice(-4000));
    assert.ok(ran && Number(ran[1]) >= 5, `expected the generator's tests to run:\n${run.stderr.slice(-2000)}`);
  });
});
