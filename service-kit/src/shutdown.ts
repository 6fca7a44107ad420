import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** Past this, the process exits 1 even if a step still runs: a stuck close must not hang a deploy. */
  timeoutMs: number;
  signals?: NodeJS.Signals[];
}

/**
 * Runs the steps in order on SIGTERM or SIGINT (e.g. stop taking work, finish the batch in hand,
 * close clients), then exits 0. A second signal or the timeout exits 1 at once.
 */
export function handleShutdown(logger: Logger, steps: Array<[name: string, step: () => Promise<void>]>, options: ShutdownOptions): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, options.timeoutMs);
    timer.unref();
    void (async () => {
      let failed = false;
      for (const [name, step] of steps) {
        try {
          await step();
          logger.info({ step: name }, 'shutdown step done');
        } catch (error) {
          failed = true;
          logger.error({ step: name, err: error }, 'shutdown step failed');
        }
      }
      logger.info('stopped');
      process.exit(failed ? 1 : 0);
    })();
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
}
