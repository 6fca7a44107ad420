import { SNAPSHOT_MAX_BYTES } from '@gridsight/contracts';
import sharp from 'sharp';
import { EdgeError } from '../errors.js';

const QUALITIES = [80, 65, 50, 35, 20];

/** JPEG crop of a normalised box with some context around it, ≤ 64 KiB, base64 for the event. */
export async function cropSnapshot(image: Uint8Array, box: readonly [number, number, number, number], width: number, height: number): Promise<string> {
  const margin = 0.25;
  const left = Math.max(0, Math.floor((box[0] - box[2] * margin) * width));
  const top = Math.max(0, Math.floor((box[1] - box[3] * margin) * height));
  const right = Math.min(width, Math.ceil((box[0] + box[2] * (1 + margin)) * width));
  const bottom = Math.min(height, Math.ceil((box[1] + box[3] * (1 + margin)) * height));
  try {
    const region = { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
    for (const size of [512, 320]) {
      for (const quality of QUALITIES) {
        const jpeg = await sharp(image, { limitInputPixels: false }).extract(region).resize(size, size, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality, mozjpeg: false }).toBuffer();
        if (jpeg.byteLength <= SNAPSHOT_MAX_BYTES) return jpeg.toString('base64');
      }
    }
  } catch (error) {
    throw new EdgeError('EDGE_SNAPSHOT_FAILED', (error as Error).message, false, { cause: error });
  }
  throw new EdgeError('EDGE_SNAPSHOT_FAILED', `no quality brings the crop under ${SNAPSHOT_MAX_BYTES} bytes`);
}
