import { DetectorError } from './detectorErrors.js';
import { LETTERBOX_PAD, type Letterbox } from './letterbox.js';
import { LETTERBOX_WASM_BASE64 } from './letterboxWasm.js';

/**
 * Letterboxes RGB frames into the model's float32 input [1, 3, H, W] (RGB, 0..1): bilinear
 * sampling with half-pixel centres, the same arithmetic as OpenCV's INTER_LINEAR that the
 * training pipeline resizes with, so the model sees at the edge what it saw in training. The
 * resize runs in WebAssembly with SIMD (edge-agent/assembly/letterbox.ts), at about a third of the
 * CPU of the same loop in JavaScript.
 */
export interface LetterboxKernel {
  /**
   * The tensor for this frame. It lives in the kernel's memory and is overwritten by the next call,
   * so a kernel serves one frame at a time (the detector's, one frame in the model at once).
   */
  toTensor(rgb: Uint8Array, lb: Letterbox): Float32Array;
}

interface KernelExports {
  buildColumns(table: number, sw: number, width: number): void;
  letterbox(source: number, sw: number, sh: number, table: number, rows: number, out: number, W: number, H: number, width: number, height: number, left: number, top: number): void;
}

// The WebAssembly global, as used here: @types/node 20 leaves its types to lib.dom, which Node projects do not load.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65_536;
const align16 = (n: number) => (n + 15) & ~15;
let compiled: object | undefined;

interface Placement {
  readonly W: number;
  readonly H: number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export function createLetterboxKernel(): LetterboxKernel {
  compiled ??= new wasm.Module(Buffer.from(LETTERBOX_WASM_BASE64, 'base64'));
  const memory = new wasm.Memory({ initial: 1 });
  const kernel = new wasm.Instance(compiled, { env: { memory } }).exports as unknown as KernelExports;
  // The kernel writes only the frame's rectangle: the padding stays from one frame to the next,
  // and when the rectangle changes (a camera of another shape) only what the last one covered
  // and the new one does not is painted grey again.
  let placed: Placement | undefined;
  let columnsFor = '';
  let tensor = new Float32Array(0);
  return {
    toTensor(rgb, lb) {
      const { inputWidth: W, inputHeight: H, sourceWidth: sw, sourceHeight: sh, width, height, left, top } = lb;
      const sourceBytes = sw * sh * 3;
      if (rgb.length < sourceBytes) throw new DetectorError('IMAGE_INVALID', `frame holds ${rgb.length} bytes, ${sw}x${sh} RGB needs ${sourceBytes}`);
      const table = align16(12 * W * H);
      const rows = table + 48 * width;
      const source = rows + 32 * width;
      const end = source + sourceBytes + 16;
      if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      const sameInput = placed !== undefined && placed.W === W && placed.H === H;
      if (tensor.buffer !== memory.buffer || !sameInput) {
        // Growing the memory detached the old view, but the tensor's contents moved along with it.
        tensor = new Float32Array(memory.buffer, 0, 3 * W * H);
        if (!sameInput) {
          tensor.fill(LETTERBOX_PAD / 255);
          placed = undefined;
        }
      }
      const placement = { W, H, left, top, width, height };
      if (placed && (placed.left !== left || placed.top !== top || placed.width !== width || placed.height !== height)) repaint(tensor, placed, placement);
      placed = placement;
      if (columnsFor !== `${table}:${sw}:${width}`) {
        kernel.buildColumns(table, sw, width);
        columnsFor = `${table}:${sw}:${width}`;
      }
      new Uint8Array(memory.buffer, source, sourceBytes).set(rgb.subarray(0, sourceBytes));
      kernel.letterbox(source, sw, sh, table, rows, 0, W, H, width, height, left, top);
      return tensor;
    },
  };
}

/** Paints grey what the previous frame's rectangle covered and the next one's does not. */
function repaint(tensor: Float32Array, before: Placement, after: Placement): void {
  const plane = after.W * after.H;
  const pad = LETTERBOX_PAD / 255;
  const grey = (row: number, from: number, to: number) => {
    if (to <= from) return;
    for (let c = 0; c < 3; c++) tensor.fill(pad, c * plane + row * after.W + from, c * plane + row * after.W + to);
  };
  for (let y = before.top; y < before.top + before.height; y++) {
    const from = before.left;
    const to = before.left + before.width;
    if (y < after.top || y >= after.top + after.height) grey(y, from, to);
    else {
      grey(y, from, Math.min(to, after.left));
      grey(y, Math.max(from, after.left + after.width), to);
    }
  }
}

let shared: LetterboxKernel | undefined;

/** One frame into a tensor of its own (or `out`): for callers that keep tensors; the detector uses a kernel. */
export function letterboxToTensor(rgb: Uint8Array, lb: Letterbox, out: Float32Array = new Float32Array(3 * lb.inputWidth * lb.inputHeight)): Float32Array {
  shared ??= createLetterboxKernel();
  out.set(shared.toTensor(rgb, lb));
  return out;
}
