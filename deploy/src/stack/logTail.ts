import { open } from 'node:fs/promises';

const TAIL_BYTES = 16 * 1024;

export interface TailOptions {
  lines?: number;
  /** Lines to leave out, such as Java stack frames that push the actual error out of view. */
  skip?: (line: string) => boolean;
}

/** The last lines of a log, for error messages; never fails, because it only decorates one. */
export async function logTail(file: string, options: TailOptions = {}): Promise<string> {
  const { lines = 20, skip = () => false } = options;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const kept = buffer.toString('utf8').split('\n').filter((line) => !skip(line));
      return lastLines(kept.join('\n'), lines);
    } finally {
      await handle.close();
    }
  } catch {
    return `(could not read ${file})`;
  }
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** "\tat kafka.network.SocketServer…" and "\t... 17 more": where, not what. */
export function isJavaStackFrame(line: string): boolean {
  return /^\s+(at |\.\.\. \d+ more)/.test(line);
}
