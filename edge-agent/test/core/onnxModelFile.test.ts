import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DetectorError } from '../../src/core/detectorErrors.js';
import { readOnnxModelFile } from '../../src/core/onnxModelFile.js';
import { withMetadata } from '../helpers/onnxBytes.js';
import { SHIPPED_MODEL_PATH } from '../helpers/paths.js';

const truncated = (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_TRUNCATED' && !e.retriable;

describe('readOnnxModelFile', () => {
  const model = readFileSync(SHIPPED_MODEL_PATH);

  it('reads the metadata properties and the producer of the shipped model', () => {
    const info = readOnnxModelFile(model);
    assert.equal(info.producer, 'gridsight-models');
    assert.ok(info.metadata.names?.includes('manhole_open'));
    assert.equal(info.metadata.imgsz, '[416, 416]');
  });

  it('reports a file cut short anywhere as truncated', () => {
    for (const keep of [1, 100, Math.floor(model.length / 2), model.length - 10]) {
      assert.throws(() => readOnnxModelFile(model.subarray(0, keep)), truncated, `cut at ${keep}`);
    }
  });

  it('reports an empty file and a file that is not protobuf', () => {
    assert.throws(() => readOnnxModelFile(new Uint8Array(0)), /empty/);
    assert.throws(() => readOnnxModelFile(new TextEncoder().encode('<html>not a model</html>')), truncated);
  });

  it('reads metadata written by other tools, in any order', () => {
    const info = readOnnxModelFile(withMetadata(model, { version: '8.3.0', names: "{0: 'x'}" }));
    assert.deepEqual(info.metadata, { version: '8.3.0', names: "{0: 'x'}" });
  });
});
