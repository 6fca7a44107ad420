import type { Logger } from 'pino';

// A trailing announcement comes at most a quarter of the interval late; with no interval nothing is
// held except what an earlier setting held, so a slow round is enough for that.
export const flushEveryMs = (intervalMs: number): number => (intervalMs === 0 ? 1_000 : Math.min(1_000, Math.max(100, Math.round(intervalMs / 4))));

export interface HeldSightingsFlush {
  start(): void;
  /** Finishes the round in hand. */
  stop(): Promise<void>;
}

/** Runs `round` every `everyMs` until stopped; a failed round is logged and the next one tries again. */
export function createHeldSightingsFlush(options: { everyMs: number; round: () => Promise<number>; onAnnounced: (count: number) => void; logger: Logger }): HeldSightingsFlush {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let running = false;
  const tick = (): void => {
    inFlight = options
      .round()
      .then((count) => {
        if (count > 0) options.onAnnounced(count);
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, 'announcing held sightings failed; the next round tries again'))
      .finally(() => {
        inFlight = undefined;
        if (running) timer = setTimeout(tick, options.everyMs);
      });
  };
  return {
    start() {
      if (running) return;
      running = true;
      timer = setTimeout(tick, options.everyMs);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
