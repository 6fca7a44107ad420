import assert from 'node:assert/strict';
import { computeLetterbox, LETTERBOX_PAD, toSourceBox } from '../../src/core/letterbox.js';
import { letterboxToTensor } from '../../src/core/letterboxTensor.js';

describe('letterbox geometry', () => {
  it('fits a 16:9 frame into a square input, centred, padded top and bottom', () => {
    const lb = computeLetterbox(640, 360, 320, 320);
    assert.deepEqual({ scale: lb.scale, width: lb.width, height: lb.height, left: lb.left, top: lb.top }, { scale: 0.5, width: 320, height: 180, left: 0, top: 70 });
  });

  it('rounds an odd padding the way Ultralytics does (less before, more after)', () => {
    const lb = computeLetterbox(800, 450, 320, 320);
    assert.equal(lb.height, 180);
    assert.equal(lb.top, 70);
    const odd = computeLetterbox(100, 77, 320, 320);
    assert.equal(odd.height, 246);
    assert.equal(odd.top, 37);
  });

  it('maps a box in input pixels back to the normalised frame, clipping at the edges', () => {
    const lb = computeLetterbox(640, 480, 320, 320);
    assert.equal(lb.left, 0);
    assert.equal(lb.top, 40);
    const [x, y, w, h] = toSourceBox(lb, 80, 100, 160, 140);
    assert.deepEqual([x, y, w, h].map((v) => +v.toFixed(6)), [0.25, 0.25, 0.25, 1 / 6].map((v) => +v.toFixed(6)));
    const clipped = toSourceBox(lb, -10, 20, 40, 60);
    assert.equal(clipped[0], 0);
    assert.equal(clipped[1], 0);
  });
});

describe('letterboxToTensor', () => {
  it('fills the padding with grey 114 and lays the frame out as planar RGB in 0..1', () => {
    const frame = new Uint8Array(4 * 2 * 3);
    for (let i = 0; i < 8; i++) frame.set([255, 0, 51], i * 3);
    const lb = computeLetterbox(4, 2, 4, 4);
    const t = letterboxToTensor(frame, lb);
    const plane = 16;
    assert.ok(Math.abs((t[0] as number) - LETTERBOX_PAD / 255) < 1e-6, 'top row is padding');
    assert.ok(Math.abs((t[4] as number) - 1) < 1e-6, 'row 1 is red in R');
    assert.ok(Math.abs((t[plane + 4] as number) - 0) < 1e-6, 'and 0 in G');
    assert.ok(Math.abs((t[2 * plane + 4] as number) - 0.2) < 1e-6, 'and 0.2 in B');
    assert.ok(Math.abs((t[12] as number) - LETTERBOX_PAD / 255) < 1e-6, 'bottom row is padding');
  });

  it('halves a frame by averaging 2x2 blocks, as OpenCV INTER_LINEAR does at exactly 2x', () => {
    const frame = Uint8Array.from([
      [0, 0, 0], [100, 100, 100], [10, 10, 10], [10, 10, 10],
      [200, 200, 200], [100, 100, 100], [30, 30, 30], [50, 50, 50],
    ].flat());
    const lb = computeLetterbox(4, 2, 2, 2);
    assert.deepEqual([lb.width, lb.height, lb.left, lb.top], [2, 1, 0, 0]);
    const t = letterboxToTensor(frame, lb);
    assert.ok(Math.abs((t[0] as number) * 255 - 100) < 1e-3);
    assert.ok(Math.abs((t[1] as number) * 255 - 25) < 1e-3);
  });

  it('pads the sides of a portrait frame halved at exactly 2x, every row of it', () => {
    const frame = new Uint8Array(4 * 8 * 3);
    for (let i = 0; i < frame.length; i++) frame[i] = (i * 37) % 256;
    const lb = computeLetterbox(4, 8, 4, 4);
    assert.deepEqual([lb.width, lb.height, lb.left, lb.top], [2, 4, 1, 0]);
    const t = letterboxToTensor(frame, lb, new Float32Array(48).fill(Number.NaN));
    const px = (x: number, y: number, c: number) => frame[(y * 4 + x) * 3 + c] as number;
    for (let y = 0; y < 4; y++) {
      for (let c = 0; c < 3; c++) {
        const row = c * 16 + y * 4;
        assert.ok(Math.abs((t[row] as number) - LETTERBOX_PAD / 255) < 1e-6, `left pad, row ${y}`);
        assert.ok(Math.abs((t[row + 3] as number) - LETTERBOX_PAD / 255) < 1e-6, `right pad, row ${y}`);
        for (let x = 0; x < 2; x++) {
          const mean = (px(2 * x, 2 * y, c) + px(2 * x + 1, 2 * y, c) + px(2 * x, 2 * y + 1, c) + px(2 * x + 1, 2 * y + 1, c)) / 4;
          assert.ok(Math.abs((t[row + 1 + x] as number) * 255 - mean) < 1e-3, `pixel ${x},${y} channel ${c}`);
        }
      }
    }
  });
});
