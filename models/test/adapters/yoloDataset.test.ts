import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, parseLabels, readYoloDataset } from '../../src/adapters/yoloDataset.js';

describe('YOLO-layout dataset reader', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gridsight-yolo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads images/<split> with labels/<split>, a missing label file meaning no objects', async () => {
    mkdirSync(join(dir, 'images', 'test'), { recursive: true });
    mkdirSync(join(dir, 'labels', 'test'), { recursive: true });
    writeFileSync(join(dir, 'images', 'test', 'a.jpg'), 'x');
    writeFileSync(join(dir, 'images', 'test', 'b.png'), 'x');
    writeFileSync(join(dir, 'images', 'test', 'notes.txt'), 'x');
    writeFileSync(join(dir, 'labels', 'test', 'a.txt'), '1 0.5 0.5 0.2 0.1\n\n0 0.25 0.25 0.5 0.5\n');
    const images = await readYoloDataset(dir, 'test');
    assert.deepEqual(
      images.map((i) => i.name),
      ['a', 'b'],
    );
    assert.deepEqual(images[0]?.truths[0], { classId: 1, x0: 0.4, y0: 0.45, x1: 0.6, y1: 0.55 });
    assert.equal(images[0]?.truths.length, 2);
    assert.deepEqual(images[1]?.truths, []);
  });

  it('reads a flat images/ + labels/ folder (a Roboflow or CVAT export of one split)', async () => {
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'images', 'x.jpeg'), 'x');
    writeFileSync(join(dir, 'labels', 'x.txt'), '2 0.5 0.5 1 1');
    const images = await readYoloDataset(dir, 'test');
    assert.equal(images[0]?.truths[0]?.classId, 2);
  });

  it('names the file and line of a malformed label', () => {
    assert.throws(() => parseLabels('0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1\n', 'labels/test/a.txt'), (e: unknown) => e instanceof DatasetError && /labels\/test\/a\.txt:2/.test((e as Error).message));
    assert.throws(() => parseLabels('0 0.5 0.5 1.7 0.1', 'f.txt'), /f\.txt:1/);
    assert.throws(() => parseLabels('x 0.5 0.5 0.1 0.1', 'f.txt'), /f\.txt:1/);
  });

  it('says plainly when the folder is not a YOLO dataset', async () => {
    await assert.rejects(readYoloDataset(dir, 'test'), /no images\/test\/ or images\/ folder/);
  });
});
