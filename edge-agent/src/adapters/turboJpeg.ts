import type { RawFrame } from './framePreprocessor.js';

/**
 * JPEG frames decoded by libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0) through koffi, on
 * libuv's threads: the same pixels as sharp (same IDCT and upsampling), at about a third of sharp's
 * CPU for a camera frame (1.6–1.9 vs 4.8–5.3 ms for the held-out images), which was the whole
 * of the agent's gap to Python per frame. A gateway without the library, or where koffi's native
 * module does not load, decodes with sharp.
 */
export interface TurboJpeg {
  /**
   * The frame, or undefined for anything not a plain JPEG that decodes without a warning (PNG,
   * CMYK, an embedded ICC profile, a truncated or corrupt file, above maxPixels) and for any
   * failure of the native call: sharp then decides. Never throws.
   */
  decode(bytes: Uint8Array, maxPixels: number): Promise<RawFrame | undefined>;
  /** How many frames it left to sharp, by reason: a camera whose every frame falls back shows here. */
  readonly fallbacks: Readonly<Record<FallbackReason, number>>;
}

export type FallbackReason = 'not_jpeg' | 'icc_profile' | 'header' | 'too_large' | 'decode' | 'native_error';

const TJPF_RGB = 0;
const TJFLAG_STOPONWARNING = 1 << 13;
const ICC_MARKER = Buffer.from('ICC_PROFILE\0', 'latin1');
// A handle serves one decode at a time; the agent decodes at most a frame ahead per camera, so a
// few idle handles cover it, and more than this are freed rather than kept for the process's life.
const MAX_IDLE_HANDLES = 4;

let loading: Promise<TurboJpeg | undefined> | undefined;

/** The decoder, or undefined when libturbojpeg.so.0 or koffi cannot be loaded (tried once). */
export function loadTurboJpeg(): Promise<TurboJpeg | undefined> {
  loading ??= open().catch(() => undefined);
  return loading;
}

async function open(): Promise<TurboJpeg | undefined> {
  const { default: koffi } = await import('koffi');
  const lib = koffi.load('libturbojpeg.so.0');
  const init = lib.func('void *tjInitDecompress()');
  const destroy = lib.func('int tjDestroy(void *handle)');
  const header = lib.func('int tjDecompressHeader3(void *handle, const uint8_t *jpeg, unsigned long size, _Out_ int *width, _Out_ int *height, _Out_ int *subsampling, _Out_ int *colorspace)');
  const decompress = lib.func('int tjDecompress2(void *handle, const uint8_t *jpeg, unsigned long size, uint8_t *dst, int width, int pitch, int height, int pixelFormat, int flags)');
  const idle: unknown[] = [];
  const fallbacks: Record<FallbackReason, number> = { not_jpeg: 0, icc_profile: 0, header: 0, too_large: 0, decode: 0, native_error: 0 };
  const fallBack = (reason: FallbackReason): undefined => {
    fallbacks[reason]++;
    return undefined;
  };

  const decodeWith = async (handle: unknown, view: Buffer, maxPixels: number): Promise<RawFrame | undefined> => {
    const width = [0];
    const height = [0];
    if (header(handle, view, view.length, width, height, [0], [0]) !== 0) return fallBack('header');
    const w = width[0] as number;
    const h = height[0] as number;
    if (w <= 0 || h <= 0 || w * h > maxPixels) return fallBack('too_large');
    const data = Buffer.allocUnsafe(w * h * 3);
    // The native call reads `view` on a libuv thread: it stays referenced until the call settles.
    const status = await new Promise<number>((resolve, reject) =>
      decompress.async(handle, view, view.length, data, w, 0, h, TJPF_RGB, TJFLAG_STOPONWARNING, (error: unknown, result: number) => (error ? reject(error) : resolve(result))),
    );
    return status === 0 && view.length > 0 ? { data, width: w, height: h } : fallBack('decode');
  };

  return {
    fallbacks,
    async decode(bytes, maxPixels) {
      if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return fallBack('not_jpeg');
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (view.indexOf(ICC_MARKER) !== -1) return fallBack('icc_profile');
      let handle: unknown;
      try {
        handle = idle.pop() ?? init();
        if (!handle) return fallBack('native_error');
        return await decodeWith(handle, view, maxPixels);
      } catch {
        // koffi refuses a call when too many are in flight, an allocation can fail: sharp decodes it.
        return fallBack('native_error');
      } finally {
        if (handle && idle.length < MAX_IDLE_HANDLES) idle.push(handle);
        else if (handle) destroy(handle);
      }
    },
  };
}
