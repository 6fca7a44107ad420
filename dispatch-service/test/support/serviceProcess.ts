import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testSigningKey } from './api.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown steps, as a crash or power cut would do. */
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

export function keyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-dispatch-key-'));
  const file = join(dir, 'token-signing.pem');
  writeFileSync(file, testSigningKey(), { mode: 0o600 });
  return file;
}

/** Runs the built service (`node dispatch-service/dist/main.js`) as its own process. */
export function startService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, GRIDSIGHT_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
