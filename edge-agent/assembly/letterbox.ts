// AssemblyScript, compiled to WebAssembly with SIMD by edge-agent/scripts/build-letterbox-wasm.mjs
// into src/core/letterboxWasm.ts. The letterbox resize in plain JavaScript cost 1.7–2.2 ms per
// camera frame (no SIMD, a bounds check per byte read): 15 % of the model's time on its own. Four
// float lanes hold one pixel's R, G, B, so a pixel costs a few vector operations instead of a dozen
// scalar reads and multiplies per channel.
//
// The arithmetic is OpenCV's INTER_LINEAR (half-pixel centres, two taps per axis, clamped at the
// edges), which the training pipeline resized with; weights and sums in float32.
//
// Memory is laid out by the caller (src/core/letterboxTensor.ts): the output tensor, the column
// table, two row buffers and the source pixels, all 16-byte aligned, the source followed by 16
// spare bytes (a tap pair is read as 8 bytes).

// One column-table entry per output column: the left tap's byte offset in a source row, then the
// left and right weights, each repeated over four lanes.
const COLUMN_BYTES: usize = 48;

/** Fills the column table for a source row of `sw` pixels resized to `width`. */
export function buildColumns(table: usize, sw: i32, width: i32): void {
  const fx = <f64>sw / <f64>width;
  const last = <f64>(sw - 1);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(Math.max((<f64>x + 0.5) * fx - 0.5, 0), last);
    const ix = <i32>Math.floor(sx);
    const w = sx - <f64>ix;
    const entry = table + <usize>x * COLUMN_BYTES;
    store<i32>(entry, ix * 3);
    v128.store(entry, f32x4.splat(<f32>(1 - w)), 16);
    v128.store(entry, f32x4.splat(<f32>w), 32);
  }
}

/** One source row resized horizontally into `row`: one f32x4 (R, G, B, unused) per output column. */
function resizeRow(source: usize, table: usize, width: i32, row: usize): void {
  const zero = i32x4.splat(0);
  for (let x = 0; x < width; x++) {
    const entry = table + <usize>x * COLUMN_BYTES;
    // Both taps in one load: the left pixel and its right neighbour (whose weight is 0 when the
    // left tap is the last pixel, so what lies past the row does not count).
    const pair = v128.load64_zero(source + <usize>load<i32>(entry));
    const left = f32x4.convert_i32x4_s(v128.shuffle<u8>(pair, zero, 0, 16, 16, 16, 1, 16, 16, 16, 2, 16, 16, 16, 16, 16, 16, 16));
    const right = f32x4.convert_i32x4_s(v128.shuffle<u8>(pair, zero, 3, 16, 16, 16, 4, 16, 16, 16, 5, 16, 16, 16, 16, 16, 16, 16));
    v128.store(row + (<usize>x << 4), f32x4.add(f32x4.mul(left, v128.load(entry, 16)), f32x4.mul(right, v128.load(entry, 32))));
  }
}

/**
 * Resizes the RGB source (sw × sh) to width × height and writes it, scaled to 0..1, into the
 * planar float32 tensor [3, H, W] at (left, top). The padding around it is the caller's.
 */
export function letterbox(source: usize, sw: i32, sh: i32, table: usize, rows: usize, out: usize, W: i32, H: i32, width: i32, height: i32, left: i32, top: i32): void {
  const fy = <f64>sh / <f64>height;
  const last = <f64>(sh - 1);
  const stride = <usize>sw * 3;
  const plane = <usize>(W * H) << 2;
  const blue = plane << 1;
  // Each output row blends two horizontally resized source rows; consecutive output rows share
  // one when shrinking by less than 2x, so the two buffers are kept and swapped.
  let upper = rows;
  let lower = rows + (<usize>width << 4);
  let upperRow = -1;
  let lowerRow = -1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max((<f64>y + 0.5) * fy - 0.5, 0), last);
    const y0 = <i32>Math.floor(sy);
    const y1 = y0 + 1 < sh ? y0 + 1 : y0;
    const wy = sy - <f64>y0;
    if (y0 !== upperRow) {
      if (y0 === lowerRow) {
        const t = upper;
        upper = lower;
        lower = t;
        lowerRow = -1;
      } else {
        resizeRow(source + <usize>y0 * stride, table, width, upper);
      }
      upperRow = y0;
    }
    if (y1 !== lowerRow) {
      resizeRow(source + <usize>y1 * stride, table, width, lower);
      lowerRow = y1;
    }
    // The vertical weights carry the 1/255 scale.
    const k0 = f32x4.splat(<f32>((1 - wy) / 255));
    const k1 = f32x4.splat(<f32>(wy / 255));
    let o = out + (<usize>((top + y) * W + left) << 2);
    let x = 0;
    // Four pixels at a time, transposed from (R, G, B, _) per pixel to four R, four G, four B.
    for (; x + 4 <= width; x += 4, o += 16) {
      const a = upper + (<usize>x << 4);
      const b = lower + (<usize>x << 4);
      const p0 = f32x4.add(f32x4.mul(v128.load(a), k0), f32x4.mul(v128.load(b), k1));
      const p1 = f32x4.add(f32x4.mul(v128.load(a, 16), k0), f32x4.mul(v128.load(b, 16), k1));
      const p2 = f32x4.add(f32x4.mul(v128.load(a, 32), k0), f32x4.mul(v128.load(b, 32), k1));
      const p3 = f32x4.add(f32x4.mul(v128.load(a, 48), k0), f32x4.mul(v128.load(b, 48), k1));
      const rg01 = v128.shuffle<f32>(p0, p1, 0, 4, 1, 5);
      const rg23 = v128.shuffle<f32>(p2, p3, 0, 4, 1, 5);
      const b01 = v128.shuffle<f32>(p0, p1, 2, 6, 3, 7);
      const b23 = v128.shuffle<f32>(p2, p3, 2, 6, 3, 7);
      v128.store(o, v128.shuffle<f32>(rg01, rg23, 0, 1, 4, 5));
      v128.store(o + plane, v128.shuffle<f32>(rg01, rg23, 2, 3, 6, 7));
      v128.store(o + blue, v128.shuffle<f32>(b01, b23, 0, 1, 4, 5));
    }
    for (; x < width; x++, o += 4) {
      const p = f32x4.add(f32x4.mul(v128.load(upper + (<usize>x << 4)), k0), f32x4.mul(v128.load(lower + (<usize>x << 4)), k1));
      store<f32>(o, f32x4.extract_lane(p, 0));
      store<f32>(o + plane, f32x4.extract_lane(p, 1));
      store<f32>(o + blue, f32x4.extract_lane(p, 2));
    }
  }
}
