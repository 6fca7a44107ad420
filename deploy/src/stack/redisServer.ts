import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { logTail } from './logTail.js';
import { startOwnServer } from './ownServer.js';
import { LOOPBACK } from './ports.js';
import type { ExitStatus } from './runCommand.js';
import { StackError } from './stackError.js';

export interface RedisServerOptions {
  /** Redis's append-only file and its log live here. */
  dataDir: string;
  port: number;
  /** Redis refuses writes past this instead of evicting: a lost session must be loud, not silent. */
  maxMemoryMb?: number;
  startTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  pid: number;
  logFile: string;
  exited: Promise<ExitStatus>;
  /** SIGTERM (Redis flushes its append-only file and exits), then SIGKILL after 20 s. */
  stop(): Promise<void>;
}

const REDIS_SERVER_PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

export async function startRedis(options: RedisServerOptions): Promise<RedisServer> {
  const { dataDir, port, signal, onProgress, maxMemoryMb = 512, startTimeoutMs = 30_000 } = options;
  const started = performance.now();
  const command = REDIS_SERVER_PATHS.find((path) => existsSync(path));
  if (!command) {
    throw new StackError('REDIS_MISSING', "redis-server is not installed; install Debian's redis-server package (scripts/bootstrap.mjs does so as root)");
  }
  await mkdir(dataDir, { recursive: true });
  const logFile = join(dataDir, 'server.log');
  const address = `${LOOPBACK}:${port}`;
  const server = await startOwnServer({
    spawn: {
      command,
      args: [
        ...['--bind', LOOPBACK, '--port', String(port), '--dir', dataDir, '--daemonize', 'no', '--logfile', ''],
        // The broker's QoS 1 sessions must outlive a Redis restart too: an fsync'd append-only log.
        ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
        ...['--maxmemory', `${maxMemoryMb}mb`, '--maxmemory-policy', 'noeviction'],
      ],
      logFile,
      stopSignal: 'SIGTERM',
      cwd: dataDir,
    },
    name: 'redis',
    address,
    logFile,
    probe: () => redisDir(port),
    expected: dataDir,
    describe: (dir) => `data in ${dir}`,
    exitReport: async () => `the last lines of ${logFile}:\n${await logTail(logFile)}`,
    timeoutMs: startTimeoutMs,
    signal,
    startedAt: started,
    onProgress,
  });
  return { url: `redis://${address}`, logFile, ...server };
}

/** `CONFIG GET dir` over a bare socket: proves the server answers and that it is ours. */
function redisDir(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port });
    let reply = '';
    const timer = setTimeout(() => socket.destroy(new Error('no reply within 2 s')), 2000);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('CONFIG GET dir\r\n'));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      // RESP array of two bulk strings: *2 $3 dir $<n> <path>
      const lines = reply.split('\r\n');
      if (reply.startsWith('-')) socket.destroy(new Error(lines[0]));
      else if (lines.length >= 6) {
        clearTimeout(timer);
        socket.end();
        resolve(lines[4] ?? '');
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed before a reply'));
    });
  });
}
