import { secondsSince } from './elapsed.js';
import type { ExitStatus } from './runCommand.js';
import { spawnSupervised, type SupervisedSpawnOptions } from './supervisedProcess.js';
import { waitForOwnServer, type OwnServerOptions } from './waitUntilReady.js';

export interface OwnServerStart<T> extends Omit<OwnServerOptions<T>, 'exited'> {
  spawn: SupervisedSpawnOptions;
  /** performance.now() when this start began, for the "up in" line. */
  startedAt: number;
  /** Runs once the server answers as ours, before it counts as up (e.g. creating the database). */
  whenReady?: () => Promise<void>;
  onProgress?: (line: string) => void;
}

export interface OwnServer {
  pid: number;
  exited: Promise<ExitStatus>;
  /** The server's clean-shutdown signal, then SIGKILL if it is still running after 20 s. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;

/** Spawns a server of the local stack and waits until it answers as ours; stops it again if it never does. */
export async function startOwnServer<T>(options: OwnServerStart<T>): Promise<OwnServer> {
  const child = await spawnSupervised(options.spawn);
  const stop = async (): Promise<void> => {
    await child.stop(STOP_GRACE_MS);
  };
  try {
    await waitForOwnServer({ ...options, exited: child.exited });
    await options.whenReady?.();
  } catch (error) {
    await stop();
    throw error;
  }
  options.onProgress?.(`${options.name}: up on ${options.address} in ${secondsSince(options.startedAt)}`);
  return { pid: child.pid, exited: child.exited, stop };
}
