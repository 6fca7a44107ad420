import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { createFfmpegSource } from '../../../src/adapters/sources/ffmpegSource.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;

describe('ffmpeg source', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    // Debian's ffmpeg is in scripts/bootstrap.mjs; without it only the not-installed case runs.
    if (!hasFfmpeg) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'edge-ffmpeg-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads JPEG frames of a video through an ffmpeg child process', async () => {
    const video = join(dir, 'street.mp4');
    await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=3', '-pix_fmt', 'yuv420p', video]);
    const source = createFfmpegSource({ url: video, fps: 5, ffmpegPath: 'ffmpeg' });
    const frames = [await source.next(), await source.next()];
    for (const frame of frames) {
      const meta = await sharp(frame?.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 320, 240]);
    }
    await source.close();
  });

  it('fails the next pull clearly when the stream cannot be opened', async () => {
    const source = createFfmpegSource({ url: join(dir, 'missing.mp4'), fps: 1, ffmpegPath: 'ffmpeg' });
    await assert.rejects(source.next(), /EDGE_SOURCE_FAILED: .*ffmpeg .*missing\.mp4: exited/);
  });
});

describe('ffmpeg source without ffmpeg', () => {
  it('says that ffmpeg is not installed', async () => {
    const source = createFfmpegSource({ url: 'rtsp://127.0.0.1/stream', fps: 1, ffmpegPath: '/nonexistent/ffmpeg' });
    await assert.rejects(source.next(), /EDGE_SOURCE_FAILED: .*\/nonexistent\/ffmpeg is not installed/);
  });
});
