import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, type ExitStatus } from './runCommand.js';
import { StackError, startInterrupted } from './stackError.js';

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

export interface OwnServerOptions<T> extends WaitOptions<T> {
  /** As the messages name it: 'kafka', 'postgres', 'redis'. */
  name: string;
  address: string;
  logFile: string;
  /** What the probe answers when the server on `address` is the one this stack started. */
  expected: T;
  /** How the probe's answer reads in a message, e.g. `cluster abc` or `data in /path`. */
  describe: (value: T) => string;
  /** What to show when the server dies during start-up, usually the last lines of its log. */
  exitReport: () => Promise<string>;
}

/** Waits for a server this stack started and throws a StackError that says why it is not usable. */
export async function waitForOwnServer<T>(options: OwnServerOptions<T>): Promise<void> {
  const { name, address, logFile, expected, describe, timeoutMs } = options;
  const readiness = await waitUntilReady(options);
  switch (readiness.outcome) {
    case 'exited':
      throw new StackError('EXITED_EARLY', `${name} ${describeExit(readiness.exit)} during start-up; ${await options.exitReport()}`);
    case 'timeout':
      throw new StackError('START_TIMEOUT', `${name} did not answer on ${address} within ${timeoutMs / 1000} s (last attempt: ${String(readiness.lastError)}); see ${logFile}`);
    case 'aborted':
      throw startInterrupted();
    case 'ready':
      if (readiness.value !== expected) {
        throw new StackError('WRONG_SERVER', `a different ${name} (${describe(readiness.value)}) answers on ${address}, not ours (${describe(expected)})`);
      }
  }
}
