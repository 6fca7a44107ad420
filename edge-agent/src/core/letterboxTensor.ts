import { LETTERBOX_PAD, type Letterbox } from './letterbox.js';

/**
 * Letterboxes an RGB frame into a float32 tensor [1, 3, H, W] (RGB, 0..1) in one pass: bilinear
 * sampling with half-pixel centres, the same arithmetic as OpenCV's INTER_LINEAR that the
 * training pipeline resizes with, so the model sees at the edge what it saw in training.
 */
export function letterboxToTensor(rgb: Uint8Array, lb: Letterbox, out = new Float32Array(3 * lb.inputWidth * lb.inputHeight)): Float32Array {
  const { inputWidth: W, inputHeight: H, sourceWidth: sw, sourceHeight: sh, width, height, left, top } = lb;
  const plane = W * H;
  const pad = LETTERBOX_PAD / 255;
  const k = 1 / 255;
  const fx = sw / width;
  const fy = sh / height;
  // Horizontal taps are the same for every row: compute them once.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), sw - 1);
    const ix = Math.floor(sx);
    x0s[x] = ix * 3;
    x1s[x] = Math.min(ix + 1, sw - 1) * 3;
    wxs[x] = sx - ix;
  }
  for (let y = 0; y < H; y++) {
    const rowOut = y * W;
    const iy = y - top;
    if (iy < 0 || iy >= height) {
      out.fill(pad, rowOut, rowOut + W);
      out.fill(pad, plane + rowOut, plane + rowOut + W);
      out.fill(pad, 2 * plane + rowOut, 2 * plane + rowOut + W);
      continue;
    }
    const sy = Math.min(Math.max((iy + 0.5) * fy - 0.5, 0), sh - 1);
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    const r0 = y0 * sw * 3;
    const r1 = Math.min(y0 + 1, sh - 1) * sw * 3;
    for (let x = 0; x < W; x++) {
      const ix = x - left;
      const o = rowOut + x;
      if (ix < 0 || ix >= width) {
        out[o] = pad;
        out[plane + o] = pad;
        out[2 * plane + o] = pad;
        continue;
      }
      const a = x0s[ix] as number;
      const b = x1s[ix] as number;
      const wx = wxs[ix] as number;
      for (let c = 0; c < 3; c++) {
        const top0 = (rgb[r0 + a + c] as number) + ((rgb[r0 + b + c] as number) - (rgb[r0 + a + c] as number)) * wx;
        const bot0 = (rgb[r1 + a + c] as number) + ((rgb[r1 + b + c] as number) - (rgb[r1 + a + c] as number)) * wx;
        out[c * plane + o] = (top0 + (bot0 - top0) * wy) * k;
      }
    }
  }
  return out;
}
