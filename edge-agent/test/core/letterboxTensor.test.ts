import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeLetterbox, LETTERBOX_PAD, type Letterbox } from '../../src/core/letterbox.js';
import { createLetterboxKernel } from '../../src/core/letterboxTensor.js';

/** OpenCV INTER_LINEAR written out plainly in float64: what the SIMD kernel must reproduce. */
function reference(rgb: Uint8Array, lb: Letterbox): Float32Array {
  const { inputWidth: W, inputHeight: H, sourceWidth: sw, sourceHeight: sh, width, height, left, top } = lb;
  const out = new Float32Array(3 * W * H).fill(LETTERBOX_PAD / 255);
  const tap = (s: number, n: number) => {
    const clamped = Math.min(Math.max(s, 0), n - 1);
    const i = Math.floor(clamped);
    return { i0: i, i1: Math.min(i + 1, n - 1), w: clamped - i };
  };
  for (let y = 0; y < height; y++) {
    const ty = tap((y + 0.5) * (sh / height) - 0.5, sh);
    for (let x = 0; x < width; x++) {
      const tx = tap((x + 0.5) * (sw / width) - 0.5, sw);
      for (let c = 0; c < 3; c++) {
        const px = (xx: number, yy: number) => rgb[(yy * sw + xx) * 3 + c] as number;
        const upper = px(tx.i0, ty.i0) * (1 - tx.w) + px(tx.i1, ty.i0) * tx.w;
        const lower = px(tx.i0, ty.i1) * (1 - tx.w) + px(tx.i1, ty.i1) * tx.w;
        out[c * W * H + (top + y) * W + left + x] = (upper * (1 - ty.w) + lower * ty.w) / 255;
      }
    }
  }
  return out;
}

function noise(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < rgb.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rgb[i] = s >>> 24;
  }
  return rgb;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    // float32 sums against float64: a few units in the last place of a value in 0..1.
    if (Math.abs((actual[i] as number) - (expected[i] as number)) > 1e-6) assert.fail(`${what}: value ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('letterbox kernel (WebAssembly SIMD)', () => {
  it('resizes like OpenCV INTER_LINEAR: camera frames, odd sizes, portrait, and frames smaller than the input', () => {
    const kernel = createLetterboxKernel();
    const cases: Array<[number, number, number, number]> = [
      [640, 480, 416, 416],
      [800, 450, 416, 416],
      [640, 360, 416, 416],
      [1280, 720, 416, 416],
      [333, 517, 416, 416],
      [101, 37, 64, 64],
      [5, 3, 16, 16],
      [1, 1, 8, 8],
      [640, 480, 320, 320],
    ];
    for (const [i, [sw, sh, W, H]] of cases.entries()) {
      const lb = computeLetterbox(sw, sh, W, H);
      const rgb = noise(sw, sh, i + 1);
      assertClose(kernel.toTensor(rgb, lb), reference(rgb, lb), `${sw}x${sh} into ${W}x${H}`);
    }
  });

  it('repaints the padding when frames of another shape follow, so no pixel of an earlier frame is left in it', () => {
    const kernel = createLetterboxKernel();
    const shapes: Array<[number, number]> = [[480, 640], [640, 480], [800, 450], [640, 640], [300, 100], [640, 480]];
    for (const [i, [sw, sh]] of shapes.entries()) {
      const lb = computeLetterbox(sw, sh, 96, 96);
      const rgb = noise(sw, sh, 100 + i);
      assertClose(kernel.toTensor(rgb, lb), reference(rgb, lb), `frame ${i} (${sw}x${sh})`);
    }
  });

  it('starts afresh for an input of another size holding as many values (416x320 after 320x416)', () => {
    const kernel = createLetterboxKernel();
    const rgb = noise(640, 480, 9);
    for (const [W, H] of [[320, 416], [416, 320], [320, 416]] as const) {
      const lb = computeLetterbox(640, 480, W, H);
      assertClose(kernel.toTensor(rgb, lb), reference(rgb, lb), `640x480 into ${W}x${H}`);
    }
  });

  it('grows its memory for a larger frame and keeps the tensor right after growing', () => {
    const kernel = createLetterboxKernel();
    const small = computeLetterbox(64, 48, 32, 32);
    const smallRgb = noise(64, 48, 7);
    assertClose(kernel.toTensor(smallRgb, small), reference(smallRgb, small), 'small frame');
    const large = computeLetterbox(2000, 1500, 32, 32);
    const largeRgb = noise(2000, 1500, 8);
    assertClose(kernel.toTensor(largeRgb, large), reference(largeRgb, large), 'frame that grew the memory');
    assertClose(kernel.toTensor(smallRgb, small), reference(smallRgb, small), 'small frame again');
  });

  it('refuses a frame whose bytes do not cover its size', () => {
    const kernel = createLetterboxKernel();
    assert.throws(() => kernel.toTensor(new Uint8Array(10), computeLetterbox(4, 4, 8, 8)), { code: 'IMAGE_INVALID' });
  });

  it('is what edge-agent/assembly/letterbox.ts compiles to (the committed module is not stale)', function () {
    this.timeout(120_000);
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'build-letterbox-wasm.mjs');
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
});
