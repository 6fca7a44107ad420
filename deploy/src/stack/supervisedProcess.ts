import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import type { ExitStatus } from './runCommand.js';

export interface SupervisedSpawnOptions {
  command: string;
  args: string[];
  /** stdout and stderr are appended here, so a crash before logging is set up still leaves a trace. */
  logFile: string;
  /** The signal that shuts this server down cleanly; also what it receives if we die first. */
  stopSignal: NodeJS.Signals;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
}

export interface SupervisedProcess {
  readonly pid: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ExitStatus>;
  /** Sends the stop signal, then SIGKILL to its process group if it is still there after graceMs. */
  stop(graceMs: number): Promise<ExitStatus>;
}

// util-linux's setpriv sets PR_SET_PDEATHSIG before exec'ing the server, so the kernel signals it
// even when this Node process is killed with SIGKILL; Node itself has no way to ask for that.
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];
const setpriv = SETPRIV_PATHS.find((path) => existsSync(path));

const running = new Map<ChildProcess, NodeJS.Signals>();

// Covers the case setpriv cannot: no setpriv, and our process exits without stopping its servers.
function signalLeftoversOnExit(): void {
  for (const [child, signal] of running) child.kill(signal);
}

export async function spawnSupervised(options: SupervisedSpawnOptions): Promise<SupervisedProcess> {
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', options.stopSignal.replace(/^SIG/, ''), '--', options.command, ...options.args]]
    : [options.command, options.args];
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // Own process group: Ctrl-C in the terminal reaches only us, and we stop servers in order.
    child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (running.size === 0) process.off('exit', signalLeftoversOnExit);
      resolve({ code, signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  if (running.size === 0) process.once('exit', signalLeftoversOnExit);
  running.set(child, options.stopSignal);

  const pid = child.pid as number;
  let stopping: Promise<ExitStatus> | undefined;
  const stop = (graceMs: number): Promise<ExitStatus> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(options.stopSignal);
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<'overdue'>((resolve) => {
        timer = setTimeout(() => resolve('overdue'), graceMs);
      });
      const first = await Promise.race([exited, overdue]);
      clearTimeout(timer);
      if (first !== 'overdue') return first;
      // The whole process group, so that PostgreSQL's backends do not linger after their postmaster.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      return exited;
    })();
    return stopping;
  };

  return { pid, exited, stop };
}
