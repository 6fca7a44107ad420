import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EdgeError } from '../../errors.js';
import type { Frame, FrameSource } from './frameSource.js';

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const MAX_PENDING_BYTES = 32 * 1024 * 1024;

/**
 * RTSP or video through an ffmpeg child process writing MJPEG frames to a pipe at the camera's
 * rate; only the newest frame is kept. A dead ffmpeg fails the next pull; the runner's retry starts a new one.
 */
export function createFfmpegSource(options: { url: string; fps: number; ffmpegPath: string }): FrameSource {
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let latest: Frame | undefined;
  let failure: EdgeError | undefined;
  let wake: (() => void) | undefined;
  const shown = options.url.replace(/\/\/[^@/]*@/, '//***@');

  const start = (): void => {
    failure = undefined;
    let pending = Buffer.alloc(0);
    let stderr = '';
    // RTSP over TCP survives lossy links; a file is read at its own rate, as a camera would deliver it.
    const input = /^rtsps?:/i.test(options.url) ? ['-rtsp_transport', 'tcp'] : ['-re'];
    const proc = spawn(options.ffmpegPath, ['-nostdin', '-loglevel', 'error', ...input, '-i', options.url, '-vf', `fps=${options.fps}`, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const start = pending.indexOf(SOI);
        const end = start < 0 ? -1 : pending.indexOf(EOI, start + 2);
        if (end < 0) break;
        latest = { bytes: pending.subarray(start, end + 2), label: shown };
        pending = pending.subarray(end + 2);
        wake?.();
      }
      if (pending.byteLength > MAX_PENDING_BYTES) pending = Buffer.alloc(0);
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-400);
    });
    const fail = (detail: string): void => {
      failure = new EdgeError('EDGE_SOURCE_FAILED', `ffmpeg ${shown}: ${detail}`);
      child = undefined;
      wake?.();
    };
    proc.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? `${options.ffmpegPath} is not installed` : error.message));
    proc.on('exit', (code, signal) => fail(`exited (${signal ?? code})${stderr ? `: ${stderr.trim()}` : ''}`));
  };

  return {
    async next() {
      if (!child && !failure) start();
      if (!latest && !failure) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (latest) {
        const frame = latest;
        latest = undefined;
        return frame;
      }
      const error = failure as EdgeError;
      failure = undefined;
      throw error;
    },
    async close() {
      child?.kill('SIGTERM');
      child = undefined;
    },
  };
}
