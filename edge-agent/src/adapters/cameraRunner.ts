import type { CameraHealth } from '@gridsight/contracts';
import type { Logger } from 'pino';
import { EdgeError } from '../errors.js';
import type { FrameQueue } from './frameQueue.js';
import type { FrameSource } from './sources/frameSource.js';

export interface CameraRunnerOptions {
  readonly cameraId: string;
  readonly fps: number;
  readonly source: FrameSource;
  readonly queue: FrameQueue;
  readonly logger: Logger;
  /** First retry delay after a failure; doubles per failure up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface CameraRunner {
  readonly health: () => CameraHealth;
  /** Resolves when the source ends (a folder pass) or after `stop()`. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Pulls frames at the camera's rate into the shared queue; a failing source is retried with backoff and reported, never thrown. */
export function startCameraRunner(options: CameraRunnerOptions): CameraRunner {
  const stopper = new AbortController();
  const base = options.backoffMs ?? 1000;
  const ceiling = options.maxBackoffMs ?? 30_000;
  const interval = 1000 / options.fps;
  let state: CameraHealth['state'] = 'ok';
  let lastError: string | undefined;
  let failures = 0;

  const loop = async (): Promise<void> => {
    while (!stopper.signal.aborted) {
      const started = Date.now();
      try {
        const frame = await options.source.next();
        if (!frame) break;
        if (failures > 0) options.logger.info({ cameraId: options.cameraId, failures }, 'camera source recovered');
        failures = 0;
        state = 'ok';
        options.queue.push({ cameraId: options.cameraId, frame, capturedAt: new Date() });
        await sleep(Math.max(0, interval - (Date.now() - started)), stopper.signal);
      } catch (error) {
        failures += 1;
        state = 'failing';
        lastError = (error instanceof EdgeError ? error.message : `EDGE_SOURCE_FAILED: ${(error as Error).message}`).slice(0, 500);
        const delay = Math.min(ceiling, base * 2 ** Math.min(failures - 1, 16));
        options.logger.warn({ cameraId: options.cameraId, failures, retryInMs: delay, err: lastError }, 'camera source failed');
        await sleep(delay, stopper.signal);
      }
    }
    state = 'stopped';
  };
  const done = loop();

  return {
    health: () => ({ deviceId: options.cameraId, state, ...(lastError ? { lastError } : {}) }),
    done,
    async stop() {
      stopper.abort();
      await done;
      await options.source.close();
    },
  };
}
