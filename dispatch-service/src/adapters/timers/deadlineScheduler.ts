import type { Logger } from '@gridsight/service-kit';
import type { FiredDeadlines } from '../../workflows/fireDeadlines.js';
import { createPassLoop } from './passLoop.js';

export interface DeadlineScheduler {
  start(): void;
  /** Finishes the pass in hand, then returns. */
  stop(): Promise<void>;
}

/** Runs a pass of the durable timers every `intervalMs`; a failed pass is logged and retried with backoff up to a minute. */
export function createDeadlineScheduler(options: { intervalMs: number; logger: Logger; fire: () => Promise<FiredDeadlines>; onFired?: (fired: FiredDeadlines) => void }): DeadlineScheduler {
  return createPassLoop({
    what: 'deadline',
    logger: options.logger,
    errorFloorMs: options.intervalMs,
    pass: async () => {
      const fired = await options.fire();
      options.onFired?.(fired);
      if (fired.reassigned + fired.escalated + fired.assigned > 0) options.logger.info({ fired }, 'deadlines fired');
    },
    delayAfter: () => options.intervalMs,
  });
}
