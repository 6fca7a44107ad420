import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

export interface ChildProcessor {
  child: ChildProcess;
  /** Resolves with the ops port once the processor logs that it runs. */
  running: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  logs: string[];
}

/** `node stream-processor/dist/main.js`, the way it runs in production, with its JSON log lines collected. */
export function spawnProcessor(env: Record<string, string>): ChildProcessor {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm test does; or npx tsc -b stream-processor)`);
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, GRIDSIGHT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let markRunning: (port: number) => void;
  let failRunning: (error: Error) => void;
  const running = new Promise<number>((resolve, reject) => {
    markRunning = resolve;
    failRunning = reject;
  });
  running.catch(() => undefined);
  createInterface({ input: child.stdout! }).on('line', (line) => {
    logs.push(line);
    try {
      const entry = JSON.parse(line) as { msg?: string; opsPort?: number };
      if (entry.msg === 'stream processor running' && entry.opsPort) markRunning(entry.opsPort);
    } catch {
      // Not a log line of ours; kept for the failure message only.
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      failRunning(new Error(`processor exited (${code ?? signal}) before running:\n${logs.slice(-20).join('\n')}`));
      resolve({ code, signal });
    }),
  );
  return { child, running, exited, logs };
}
