import sharp from 'sharp';
import { DetectorError } from '../core/detectorErrors.js';
import { computeLetterbox, type Letterbox } from '../core/letterbox.js';
import { letterboxToTensor, type LetterboxKernel } from '../core/letterboxTensor.js';
import { loadTurboJpeg } from './turboJpeg.js';

/** A decoded frame: 8-bit RGB, row-major, no padding between rows. */
export interface RawFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Decodes JPEG, PNG or WebP bytes to RGB. Refuses frames above maxPixels before decoding them. */
export async function decodeFrame(bytes: Uint8Array, maxPixels: number): Promise<RawFrame> {
  if (bytes.length === 0) throw new DetectorError('IMAGE_INVALID', 'the frame is empty (0 bytes)');
  const fast = await (await loadTurboJpeg())?.decode(bytes, maxPixels);
  if (fast) return fast;
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new DetectorError('IMAGE_INVALID', `decoded to ${info.channels} channels, expected 3`);
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw asImageError(error, maxPixels);
  }
}

function asImageError(error: unknown, maxPixels: number): DetectorError {
  if (error instanceof DetectorError) return error;
  const message = (error as Error).message;
  if (/pixel limit/i.test(message)) return new DetectorError('IMAGE_TOO_LARGE', `${message} (limit ${maxPixels} pixels)`, false, { cause: error });
  return new DetectorError('IMAGE_INVALID', message, false, { cause: error });
}

/**
 * Letterboxes a frame into the model input as one float32 tensor [1, 3, H, W], RGB scaled to 0..1:
 * with a kernel, its tensor (valid until its next frame); without, a tensor of its own.
 */
export function frameToTensor(frame: RawFrame, inputWidth: number, inputHeight: number, kernel?: LetterboxKernel): { tensor: Float32Array; letterbox: Letterbox } {
  const letterbox = computeLetterbox(frame.width, frame.height, inputWidth, inputHeight);
  return { tensor: kernel ? kernel.toTensor(frame.data, letterbox) : letterboxToTensor(frame.data, letterbox), letterbox };
}
