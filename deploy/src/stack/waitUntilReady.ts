import { setTimeout as sleep } from 'node:timers/promises';
import type { ExitStatus } from './runCommand.js';
import { StackError } from './stackError.js';

export type Readiness<T> =
  | { outcome: 'ready'; value: T }
  | { outcome: 'exited'; exit: ExitStatus }
  | { outcome: 'timeout'; lastError: unknown }
  | { outcome: 'aborted' };

export interface WaitOptions<T> {
  /**
   * Resolves once the server answers; throws while it does not (yet). A StackError means waiting
   * cannot help (say, a password refused) and is passed straight on.
   */
  probe: () => Promise<T>;
  exited: Promise<ExitStatus>;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Polls until the server answers, dies, runs out of time, or the start is called off. */
export async function waitUntilReady<T>(options: WaitOptions<T>): Promise<Readiness<T>> {
  const { probe, timeoutMs, intervalMs = 250, signal } = options;
  let exit: ExitStatus | undefined;
  void options.exited.then((status) => {
    exit = status;
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (exit) return { outcome: 'exited', exit };
    if (signal?.aborted) return { outcome: 'aborted' };
    if (Date.now() >= deadline) return { outcome: 'timeout', lastError };
    try {
      return { outcome: 'ready', value: await probe() };
    } catch (error) {
      if (error instanceof StackError) throw error;
      lastError = error;
    }
    await sleep(intervalMs);
  }
}
