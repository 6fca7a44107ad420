import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { secondsSince } from '../stack/elapsed.js';
import { logTail } from '../stack/logTail.js';
import { describeExit, type ExitStatus } from '../stack/runCommand.js';
import { StackError } from '../stack/stackError.js';
import { spawnSupervised } from '../stack/supervisedProcess.js';
import { waitUntilReady } from '../stack/waitUntilReady.js';

export interface ServiceSpec {
  name: string;
  /** Compiled entry point, relative to the repository root. */
  script: string;
  args?: string[];
  env: Record<string, string>;
  /** Its ops port: ready when GET /health answers 200. */
  healthUrl: string;
}

export interface RunningService {
  name: string;
  pid: number;
  logFile: string;
  exited: Promise<ExitStatus>;
  stop(): Promise<void>;
  /** SIGKILL to the service's process group, as a crash would: no shutdown step runs. */
  kill(): Promise<ExitStatus>;
}

// Services finish the batch in hand on SIGTERM; past this they are killed.
const STOP_GRACE_MS = 25_000;

/** Starts one Gridsight service as a supervised child (its JSON logs to a file) and waits until it is healthy. */
export async function startService(spec: ServiceSpec, options: { repoRoot: string; logDir: string; signal?: AbortSignal; onProgress?: (line: string) => void }): Promise<RunningService> {
  const started = performance.now();
  await mkdir(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${spec.name}.log`);
  const child = await spawnSupervised({
    command: process.execPath,
    args: [join(options.repoRoot, spec.script), ...(spec.args ?? [])],
    logFile,
    stopSignal: 'SIGTERM',
    env: { ...process.env, ...spec.env },
    cwd: options.repoRoot,
  });
  const stop = async (): Promise<void> => {
    await child.stop(STOP_GRACE_MS);
  };
  const readiness = await waitUntilReady({
    probe: async () => {
      const response = await fetch(spec.healthUrl, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`/health answered ${response.status}`);
      return response.status;
    },
    exited: child.exited,
    timeoutMs: 60_000,
    signal: options.signal,
  });
  if (readiness.outcome !== 'ready') {
    await stop();
    const why = readiness.outcome === 'exited' ? describeExit(readiness.exit) : readiness.outcome === 'timeout' ? 'was not healthy within 60 s' : 'start was interrupted';
    throw new StackError(readiness.outcome === 'aborted' ? 'ABORTED' : 'EXITED_EARLY', `${spec.name} ${why}; the last lines of ${logFile}:\n${await logTail(logFile, { lines: 15 })}`);
  }
  options.onProgress?.(`${spec.name}: healthy in ${secondsSince(started)}`);
  const kill = async (): Promise<ExitStatus> => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    return child.exited;
  };
  return { name: spec.name, pid: child.pid, logFile, exited: child.exited, stop, kill };
}
