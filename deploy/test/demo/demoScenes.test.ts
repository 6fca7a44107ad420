import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDetector, type Detector } from '@gridsight/edge-agent/detector';
import { SHIPPED_MODEL } from '@gridsight/models';
import type { DemoSceneManifest } from '../../src/sim/demoStreet.js';
import { repoRoot } from '../../src/stack/repoPaths.js';

// The demo's frames were chosen by what the shipped model finds in them (deploy/demo/curate.mjs);
// a new model, or a new onnxruntime, must find the same or the demo would raise the wrong tickets.
describe('demo camera scenes (deploy/demo) with the shipped model', function () {
  this.timeout(60_000);
  const demoDir = join(repoRoot, 'deploy', 'demo');
  let manifest: DemoSceneManifest & { model: { sha256: string } };
  let detector: Detector;

  before(async () => {
    manifest = JSON.parse(await readFile(join(demoDir, 'scenes.json'), 'utf8')) as typeof manifest;
    detector = await createDetector({ modelPath: SHIPPED_MODEL.path, scoreThreshold: 0.05 });
  });
  after(async () => {
    await detector?.close();
  });

  it('were chosen with the model that ships (re-run deploy/demo/curate.mjs after a new one)', () => {
    assert.equal(detector.model.sha256, manifest.model.sha256);
  });

  it('show the model one problem it finds well above its threshold, or a street where it finds none', async () => {
    const eventful = (className: string) => className in manifest.thresholds;
    for (const scene of manifest.scenes) {
      const { detections } = await detector.detect(await readFile(join(demoDir, 'scenes', scene.file)));
      const found = detections.filter((d) => eventful(d.className) && d.score >= 0.15);
      if (scene.role === 'clear') {
        assert.deepEqual(found, [], `${scene.file} should be clear`);
        continue;
      }
      assert.equal(found.length, 1, `${scene.file}: ${JSON.stringify(found)}`);
      assert.equal(found[0]!.className, scene.kind);
      assert.ok(found[0]!.score >= manifest.thresholds[scene.kind!] + 0.2, `${scene.file}: score ${found[0]!.score}`);
      assert.ok(Math.abs(found[0]!.score - scene.score!) < 0.02, `${scene.file}: score ${found[0]!.score}, curated at ${scene.score}`);
    }
  });
});
