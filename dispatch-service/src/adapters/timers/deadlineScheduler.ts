import type { Logger } from '@gridsight/service-kit';
import type { FiredDeadlines } from '../../workflows/fireDeadlines.js';

export interface DeadlineScheduler {
  start(): void;
  /** Finishes the pass in hand, then returns. */
  stop(): Promise<void>;
}

/** Runs a pass of the durable timers every `intervalMs`; a failed pass is logged and retried with backoff up to a minute. */
export function createDeadlineScheduler(options: { intervalMs: number; logger: Logger; fire: () => Promise<FiredDeadlines>; onFired?: (fired: FiredDeadlines) => void }): DeadlineScheduler {
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
    let delay = options.intervalMs;
    while (running) {
      try {
        const fired = await options.fire();
        options.onFired?.(fired);
        if (fired.reassigned + fired.escalated + fired.assigned > 0) options.logger.info({ fired }, 'deadlines fired');
        delay = options.intervalMs;
      } catch (error) {
        delay = Math.min(delay * 2, 60_000);
        options.logger.warn({ err: error, retryInMs: delay }, 'deadline pass failed; retrying');
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
