import { spawn } from 'node:child_process';
import { startInterrupted } from './stackError.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  signal?: AbortSignal;
  /** Written to the command's standard input, which is then closed (e.g. a password for --password-stdin). */
  input?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunResult extends ExitStatus {
  /** stdout and stderr interleaved as they arrived (Maven prints its errors on stdout). */
  output: string;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

/**
 * Runs a short-lived command to completion. Rejects only when the command could not be started
 * (ENOENT for a missing binary); a non-zero exit is a result for the caller to judge.
 */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { input, ...spawnOptions } = options;
    const child = spawn(command, args, { ...spawnOptions, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (error) => reject(options.signal?.aborted ? startInterrupted() : error));
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

export function isCommandNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export function describeExit(exit: ExitStatus): string {
  return exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
}
