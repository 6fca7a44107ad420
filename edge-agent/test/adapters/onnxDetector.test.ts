import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createDetector, type Detector } from '../../src/adapters/onnxDetector.js';
import { DetectorError, type DetectorErrorCode } from '../../src/core/detectorErrors.js';
import { withMetadata } from '../helpers/onnxBytes.js';
import { HELDOUT_DIR, SHIPPED_MODEL_PATH } from '../helpers/paths.js';

const failsWith = (code: DetectorErrorCode, pattern?: RegExp) => (e: unknown) =>
  e instanceof DetectorError && e.code === code && (pattern ? pattern.test(e.message) : true);

describe('onnx detector (shipped model, onnxruntime-node, sharp)', function () {
  this.timeout(120_000);
  let tmp: string;
  let detector: Detector;
  const model = readFileSync(SHIPPED_MODEL_PATH);
  const heldOut = readdirSync(join(HELDOUT_DIR, 'images')).sort();
  const writeModel = (name: string, bytes: Uint8Array) => {
    const path = join(tmp, name);
    writeFileSync(path, bytes);
    return path;
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gridsight-detector-'));
    detector = await createDetector({ modelPath: SHIPPED_MODEL_PATH, threads: 1 });
  });
  after(async () => {
    await detector?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the shipped model with its class names, input size and layout from the metadata', () => {
    assert.deepEqual(detector.model.names, ['garbage_pile', 'manhole_open', 'manhole_covered']);
    assert.equal(detector.model.inputWidth, 416);
    assert.equal(detector.model.inputHeight, 416);
    assert.equal(detector.model.layout, 'v8');
    assert.match(detector.model.sha256, /^[0-9a-f]{64}$/);
  });

  it('returns normalised boxes inside the frame and a timing for every stage', async () => {
    const result = await detector.detect(readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string)), { scoreThreshold: 0.01 });
    assert.ok(result.width > 0 && result.height > 0);
    for (const d of result.detections) {
      const [x, y, w, h] = d.box;
      assert.ok(x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= 1 + 1e-9 && y + h <= 1 + 1e-9, `${d.box}`);
      assert.equal(d.className, detector.model.names[d.classId]);
    }
    for (const ms of Object.values(result.timings)) assert.ok(ms >= 0);
  });

  it('gives the same detections for a decoded frame as for its JPEG', async () => {
    const bytes = readFileSync(join(HELDOUT_DIR, 'images', heldOut[1] as string));
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const a = await detector.detect(bytes);
    const b = await detector.detectFrame({ data, width: info.width, height: info.height });
    assert.deepEqual(b.detections, a.detections);
  });

  it('takes overlapping calls, decoding ahead, and answers each in call order with its own frame', async () => {
    const frames = heldOut.slice(0, 6).map((name) => readFileSync(join(HELDOUT_DIR, 'images', name)));
    const alone = [];
    for (const bytes of frames) alone.push(await detector.detect(bytes));
    const finished: number[] = [];
    const together = await Promise.all(frames.map((bytes, i) => detector.detect(bytes).then((result) => (finished.push(i), result))));
    assert.deepEqual(finished, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(together.map((r) => [r.width, r.height, r.detections]), alone.map((r) => [r.width, r.height, r.detections]));
  });

  it('reports a frame that fails to decode in its turn, without disturbing the frames around it', async () => {
    const good = readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // The empty frame fails at once, while the frame before it is still in the model.
      const [first, bad, last] = [detector.detect(good), detector.detect(new Uint8Array(0)), detector.detect(good)];
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok((await first).width > 0);
      await assert.rejects(bad, failsWith('IMAGE_INVALID', /empty/));
      assert.ok((await last).width > 0);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('accepts an Ultralytics-style model whose metadata are Python reprs', async () => {
    const path = writeModel(
      'ultralytics-style.onnx',
      withMetadata(model, { names: "{0: 'garbage_pile', 1: 'manhole_open', 2: 'manhole_covered'}", imgsz: '[416, 416]', stride: '32', version: '8.3.40', task: 'detect' }),
    );
    const other = await createDetector({ modelPath: path });
    try {
      assert.deepEqual(other.model.names, detector.model.names);
      assert.equal(other.model.version, '8.3.40');
      const bytes = readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string));
      assert.deepEqual((await other.detect(bytes)).detections, (await detector.detect(bytes)).detections);
    } finally {
      await other.close();
    }
  });

  describe('bad models', () => {
    it('a missing file', async () => {
      await assert.rejects(createDetector({ modelPath: join(tmp, 'nope.onnx') }), failsWith('MODEL_NOT_FOUND', /nope\.onnx/));
    });

    it('a truncated file', async () => {
      const path = writeModel('truncated.onnx', model.subarray(0, Math.floor(model.length * 0.6)));
      await assert.rejects(createDetector({ modelPath: path }), failsWith('MODEL_TRUNCATED', /needs \d+ bytes but only \d+ remain/));
    });

    it('a model without metadata', async () => {
      const path = writeModel('bare.onnx', withMetadata(model, {}));
      await assert.rejects(createDetector({ modelPath: path }), failsWith('MODEL_METADATA_MISSING', /'names'/));
    });

    it('a model whose output does not fit its class list', async () => {
      const path = writeModel('five-classes.onnx', withMetadata(model, { names: "['a', 'b', 'c', 'd', 'e']", imgsz: '[416, 416]' }));
      await assert.rejects(createDetector({ modelPath: path }), failsWith('MODEL_OUTPUT_SHAPE', /\[1, 7, 3549\]/));
    });

    it('a model whose metadata input size contradicts its input', async () => {
      const path = writeModel('wrong-size.onnx', withMetadata(model, { names: "['a', 'b', 'c']", imgsz: '[640, 640]' }));
      await assert.rejects(createDetector({ modelPath: path }), failsWith('MODEL_INPUT_UNSUPPORTED', /640/));
    });
  });

  describe('bad frames', () => {
    it('a zero-byte frame', async () => {
      await assert.rejects(detector.detect(new Uint8Array(0)), failsWith('IMAGE_INVALID', /empty/));
    });

    it('bytes that are no image', async () => {
      await assert.rejects(detector.detect(new TextEncoder().encode('HTTP/1.1 500 Internal Server Error')), failsWith('IMAGE_INVALID'));
    });

    it('a truncated JPEG', async () => {
      const bytes = readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string));
      await assert.rejects(detector.detect(bytes.subarray(0, Math.floor(bytes.length / 2))), failsWith('IMAGE_INVALID'));
    });

    it('a frame above the pixel limit is refused before it is decoded', async () => {
      const small = await createDetector({ modelPath: SHIPPED_MODEL_PATH, maxInputPixels: 10_000 });
      try {
        await assert.rejects(small.detect(readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string))), failsWith('IMAGE_TOO_LARGE'));
      } finally {
        await small.close();
      }
    });

    it('keeps working after bad frames', async () => {
      const result = await detector.detect(readFileSync(join(HELDOUT_DIR, 'images', heldOut[0] as string)));
      assert.ok(Array.isArray(result.detections));
    });
  });
});
