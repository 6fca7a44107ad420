import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadTurboJpeg, type TurboJpeg } from '../../src/adapters/turboJpeg.js';
import { HELDOUT_DIR } from '../helpers/paths.js';

// Runs where libturbojpeg.so.0 is installed (apt-get install libturbojpeg0); elsewhere the agent decodes with sharp.
describe('TurboJPEG frame decoder (libturbojpeg through koffi)', function () {
  this.timeout(60_000);
  let turbo: TurboJpeg;
  const images = readdirSync(join(HELDOUT_DIR, 'images'))
    .sort()
    .map((name) => readFileSync(join(HELDOUT_DIR, 'images', name)));

  before(async function () {
    const loaded = await loadTurboJpeg();
    if (!loaded) this.skip();
    turbo = loaded as TurboJpeg;
  });

  it('decodes the held-out frames to the very pixels sharp decodes, overlapping calls included', async () => {
    const frames = await Promise.all(images.map((bytes) => turbo.decode(bytes, 40_000_000)));
    for (const [i, bytes] of images.entries()) {
      const frame = frames[i];
      assert.ok(frame, `image ${i} was left to sharp`);
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([frame.width, frame.height], [info.width, info.height]);
      assert.ok(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength).equals(data), `image ${i}: pixels differ from sharp's`);
    }
  });

  it('leaves to sharp what it cannot decode cleanly, counting why: a truncated JPEG, a PNG, a frame above the pixel limit, an embedded ICC profile', async () => {
    const jpeg = images[0] as Buffer;
    assert.equal(await turbo.decode(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 40_000_000), undefined);
    assert.equal(await turbo.decode(await sharp(jpeg).png().toBuffer(), 40_000_000), undefined);
    assert.equal(await turbo.decode(jpeg, 1000), undefined);
    assert.equal(await turbo.decode(await sharp(jpeg).withIccProfile('p3').jpeg().toBuffer(), 40_000_000), undefined);
    assert.equal(await turbo.decode(new TextEncoder().encode('HTTP/1.1 500 Internal Server Error'), 40_000_000), undefined);
    assert.ok(turbo.fallbacks.not_jpeg >= 2 && turbo.fallbacks.icc_profile >= 1 && turbo.fallbacks.too_large >= 1, JSON.stringify(turbo.fallbacks));
  });
});
