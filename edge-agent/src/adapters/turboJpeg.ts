import koffi from 'koffi';
import type { RawFrame } from './framePreprocessor.js';

/**
 * JPEG frames decoded by libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0) through koffi, on
 * libuv's threads: the same pixels as sharp (same IDCT and upsampling), at about a third of sharp's
 * CPU for a camera frame (1.6–1.9 vs 4.8–5.3 ms for the held-out images), which was the whole
 * of the agent's gap to Python per frame. A gateway without the library decodes with sharp.
 */
export interface TurboJpeg {
  /**
   * The frame, or undefined for anything not a plain JPEG that decodes without a warning (PNG,
   * CMYK, an embedded ICC profile, a truncated or corrupt file, above maxPixels): sharp then decides.
   */
  decode(bytes: Uint8Array, maxPixels: number): Promise<RawFrame | undefined>;
}

const TJPF_RGB = 0;
const TJFLAG_STOPONWARNING = 1 << 13;
const ICC_MARKER = Buffer.from('ICC_PROFILE\0', 'latin1');

let loaded: TurboJpeg | null | undefined;

/** The decoder, or undefined when libturbojpeg.so.0 cannot be loaded. */
export function loadTurboJpeg(): TurboJpeg | undefined {
  if (loaded === undefined) loaded = open() ?? null;
  return loaded ?? undefined;
}

function open(): TurboJpeg | undefined {
  let lib: koffi.IKoffiLib;
  try {
    lib = koffi.load('libturbojpeg.so.0');
  } catch {
    return undefined;
  }
  const init = lib.func('void *tjInitDecompress()');
  const header = lib.func('int tjDecompressHeader3(void *handle, const uint8_t *jpeg, unsigned long size, _Out_ int *width, _Out_ int *height, _Out_ int *subsampling, _Out_ int *colorspace)');
  const decompress = lib.func('int tjDecompress2(void *handle, const uint8_t *jpeg, unsigned long size, uint8_t *dst, int width, int pitch, int height, int pixelFormat, int flags)');
  // A TurboJPEG handle serves one decode at a time; a frame decoding ahead takes a second one.
  const idle: unknown[] = [];

  return {
    async decode(bytes, maxPixels) {
      if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (view.indexOf(ICC_MARKER) !== -1) return undefined;
      const handle = idle.pop() ?? init();
      if (!handle) return undefined;
      try {
        const width = [0];
        const height = [0];
        if (header(handle, view, view.length, width, height, [0], [0]) !== 0) return undefined;
        const w = width[0] as number;
        const h = height[0] as number;
        if (w <= 0 || h <= 0 || w * h > maxPixels) return undefined;
        const data = Buffer.allocUnsafe(w * h * 3);
        const status = await new Promise<number>((resolve, reject) =>
          decompress.async(handle, view, view.length, data, w, 0, h, TJPF_RGB, TJFLAG_STOPONWARNING, (error: unknown, result: number) => (error ? reject(error) : resolve(result))),
        );
        return status === 0 ? { data, width: w, height: h } : undefined;
      } finally {
        idle.push(handle);
      }
    },
  };
}
