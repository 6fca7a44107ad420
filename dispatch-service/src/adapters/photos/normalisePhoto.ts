import sharp from 'sharp';
import { DispatchError } from '../../errors.js';

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif']);
const MAX_EDGE_PX = 2048;
const MAX_INPUT_PIXELS = 50_000_000;

export interface NormalisedPhoto {
  bytes: Buffer;
  contentType: 'image/jpeg';
  width: number;
  height: number;
}

/**
 * Decodes the upload by its content, not its declared type, turns it upright by its EXIF
 * orientation, shrinks it to a phone-screen size and re-encodes it as JPEG. sharp writes no
 * metadata unless asked, so GPS position, device serial and time stamps from the phone are gone.
 */
export async function normalisePhoto(input: Buffer): Promise<NormalisedPhoto> {
  let format: string | undefined;
  try {
    format = (await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    throw new DispatchError('DSP_UNSUPPORTED_MEDIA_TYPE', 'the upload is not an image that can be read; send a JPEG, PNG or WebP photo');
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) {
    throw new DispatchError('DSP_UNSUPPORTED_MEDIA_TYPE', `a ${format ?? 'unknown'} image is not accepted; send a JPEG, PNG or WebP photo`);
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({ width: MAX_EDGE_PX, height: MAX_EDGE_PX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, contentType: 'image/jpeg', width: info.width, height: info.height };
  } catch (error) {
    throw new DispatchError('DSP_UNSUPPORTED_MEDIA_TYPE', `the image could not be decoded (${(error as Error).message})`);
  }
}
