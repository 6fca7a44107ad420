import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDetector } from '@gridsight/edge-agent/detector';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const python = join(repo, 'models', '.venv', 'bin', 'python');

// Needs the training venv (torch from PyPI pulls several GB of CUDA wheels, so CI does not install
// it): where a developer has made it, generate -> train -> export -> load runs end to end.
describe('training pipeline smoke run (only where models/.venv has torch)', function () {
  this.timeout(600_000);
  let tmp: string;

  before(function () {
    if (!existsSync(python) || spawnSync(python, ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status !== 0) this.skip();
    tmp = mkdtempSync(join(tmpdir(), 'gridsight-train-'));
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('generates a tiny dataset, trains one epoch, exports an ONNX model the edge agent loads', async () => {
    const cwd = join(repo, 'models', 'python');
    const step = (args: string[]) => {
      const r = spawnSync(python, ['-m', ...args], { cwd, encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}\n${r.stderr.slice(-3000)}`);
      return r.stdout;
    };
    step(['gridsight_models.generate', join(tmp, 'data'), '--train', '16', '--val', '4', '--test', '0', '--workers', '1']);
    const out = step(['gridsight_models.train', join(tmp, 'data'), '--out', join(tmp, 'run'), '--epochs', '1', '--batch', '8', '--threads', '1']);
    assert.match(out, /"epoch": 1/);
    step(['gridsight_models.export', join(tmp, 'run', 'best.pt'), join(tmp, 'smoke.onnx')]);
    const detector = await createDetector({ modelPath: join(tmp, 'smoke.onnx') });
    try {
      assert.deepEqual(detector.model.names, ['garbage_pile', 'manhole_open', 'manhole_covered']);
      assert.equal(detector.model.layout, 'v8');
    } finally {
      await detector.close();
    }
  });
});
