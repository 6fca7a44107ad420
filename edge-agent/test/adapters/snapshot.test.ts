import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { SNAPSHOT_MAX_BYTES } from '@gridsight/contracts';
import sharp from 'sharp';
import { cropSnapshot } from '../../src/adapters/snapshot.js';

describe('snapshot crop', () => {
  it('stays within 64 KiB for a large crop of noise, the worst case for JPEG', async () => {
    const width = 1600;
    const height = 1200;
    const noise = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const base64 = await cropSnapshot(noise, [0.05, 0.05, 0.9, 0.9], width, height);
    const jpeg = Buffer.from(base64, 'base64');
    assert.ok(jpeg.byteLength <= SNAPSHOT_MAX_BYTES, `${jpeg.byteLength} bytes`);
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok((meta.width ?? 0) <= 512 && (meta.height ?? 0) <= 512);
  });

  it('fails with a coded error on bytes that are not an image', async () => {
    await assert.rejects(cropSnapshot(Buffer.from('not a jpeg'), [0, 0, 0.5, 0.5], 100, 100), /EDGE_SNAPSHOT_FAILED/);
  });
});
