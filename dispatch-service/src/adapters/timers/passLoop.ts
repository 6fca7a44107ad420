import type { Logger } from '@gridsight/service-kit';

export interface PassLoop {
  start(): void;
  /** Ends the wait at once, finishes the pass in hand, then returns. */
  stop(): Promise<void>;
}

const MAX_ERROR_DELAY_MS = 60_000;

/**
 * Runs `pass` over and over until stopped, waiting `delayAfter(result)` between passes. A failed
 * pass is logged and tried again after a delay that doubles, from at least `errorFloorMs`, up to a
 * minute: a database outage is waited out without flooding the log.
 */
export function createPassLoop<T>(options: { what: string; logger: Logger; pass: () => Promise<T>; delayAfter: (result: T) => number; errorFloorMs: number }): PassLoop {
  let running = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const run = async () => {
    let delay = options.errorFloorMs;
    while (running) {
      try {
        delay = options.delayAfter(await options.pass());
      } catch (error) {
        delay = Math.min(Math.max(delay, options.errorFloorMs) * 2, MAX_ERROR_DELAY_MS);
        options.logger.warn({ err: error, retryInMs: delay }, `${options.what} pass failed; retrying`);
      }
      if (running) await sleep(delay);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
