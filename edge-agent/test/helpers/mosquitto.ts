import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from './processes.js';

const run = promisify(execFile);

/** Debian's mosquitto on a free port with one password login: the broker a gateway's sensors publish to. */
export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** An independent client: Debian's mosquitto_pub. */
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
  remove(): Promise<void>;
}

export async function startMosquitto(): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-mosquitto-'));
  const port = await freePort();
  const username = 'edge-agent';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const passwords = join(dir, 'passwords');
  await run('mosquitto_passwd', ['-b', '-c', passwords, username, password]);
  await run('mosquitto_passwd', ['-b', passwords, 'sensor', 'sensor-pw']);
  const conf = join(dir, 'mosquitto.conf');
  // `user root`: mosquitto started as root otherwise switches to a user that may not read the password file.
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwords}`, 'persistence false', 'user root', 'log_dest none', ''].join('\n'));
  let child: ChildProcess | undefined;
  const listening = () =>
    new Promise<boolean | undefined>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(undefined));
    });
  const start = async () => {
    child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
    await waitFor(`mosquitto on port ${port}`, listening, 20_000, 100);
  };
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    username,
    password,
    async publish(topic, payload, options = {}) {
      await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'sensor', '-P', 'sensor-pw', '-q', '1', '-t', topic, '-m', payload, ...(options.retain ? ['-r'] : [])]);
    },
    stop,
    restart: start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
