import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What <dataRoot>/stack.json says while a stack is up, so that tests can reuse it. */
export interface StackState {
  /** The Node process that owns the stack; the stack is gone when it is. */
  pid: number;
  kafkaBrokers: string[];
  postgresUrl: string;
  /** Absent in a state written before Redis joined the stack. */
  redisUrl?: string;
  startedAt: string;
}

export function stackStateFile(dataRoot: string): string {
  return join(dataRoot, 'stack.json');
}

export function parseStackState(text: string): StackState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const state = value as Partial<StackState> | null;
  const valid =
    Number.isInteger(state?.pid) &&
    Array.isArray(state?.kafkaBrokers) &&
    state.kafkaBrokers.every((broker) => typeof broker === 'string') &&
    typeof state.postgresUrl === 'string' &&
    (state.redisUrl === undefined || typeof state.redisUrl === 'string') &&
    typeof state.startedAt === 'string';
  return valid ? (state as StackState) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The stack another process started on this data folder, if that process is still running. */
export async function readRunningStack(dataRoot: string): Promise<StackState | undefined> {
  const text = await readFile(stackStateFile(dataRoot), 'utf8').catch(() => undefined);
  const state = text === undefined ? undefined : parseStackState(text);
  return state && isAlive(state.pid) ? state : undefined;
}

export async function writeStackState(dataRoot: string, state: StackState): Promise<void> {
  // 0600: the PostgreSQL URL carries the superuser password.
  await writeFile(stackStateFile(dataRoot), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export async function removeStackState(dataRoot: string): Promise<void> {
  await rm(stackStateFile(dataRoot), { force: true });
}
