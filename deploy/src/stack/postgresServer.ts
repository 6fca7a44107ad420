import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { lastLines, logTail } from './logTail.js';
import { firstBlockedFolder, lookupOsUser, type OsUser } from './osUser.js';
import { startOwnServer } from './ownServer.js';
import { LOOPBACK } from './ports.js';
import { findPostgresBinDir } from './postgresBinaries.js';
import { describeExit, runCommand, type ExitStatus } from './runCommand.js';
import { StackError } from './stackError.js';

export interface PostgresServerOptions {
  /** Everything PostgreSQL writes lives here: the cluster, its socket, its log, the password. */
  dataDir: string;
  port: number;
  startTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface PostgresServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/gridsight, usable as pg's connectionString. */
  url: string;
  pid: number;
  logFile: string;
  /** Settles when the server process has exited, whether through stop() or not. */
  exited: Promise<ExitStatus>;
  /** SIGINT (PostgreSQL's fast shutdown), then SIGKILL if it is still running after 20 s. */
  stop(): Promise<void>;
}

export const DATABASE = 'gridsight';
const SUPERUSER = 'postgres';

export async function startPostgres(options: PostgresServerOptions): Promise<PostgresServer> {
  const { dataDir, port, signal, onProgress, startTimeoutMs = 60_000 } = options;
  const started = performance.now();
  const binDir = await findPostgresBinDir();
  const runAs = await serverUser();
  const clusterDir = join(dataDir, 'cluster');
  const socketDir = join(dataDir, 'run');
  const passwordFile = join(dataDir, 'superuser-password');
  const logFile = join(dataDir, 'server.log');

  await mkdir(socketDir, { recursive: true });
  if (runAs) await handOver(dataDir, socketDir, runAs);
  // Only the server's user (and root) may reach the socket folder: that is what makes
  // --auth-local=trust safe on a shared machine.
  await chmod(dataDir, 0o700);
  const password = await readOrCreatePassword(passwordFile, runAs);
  const serverProcess = { uid: runAs?.uid, gid: runAs?.gid, cwd: dataDir };

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    onProgress?.('postgres: creating the cluster (first run only)…');
    const initdb = await runCommand(
      join(binDir, 'initdb'),
      [
        ...['-D', clusterDir, '-U', SUPERUSER, `--pwfile=${passwordFile}`],
        ...['--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8'],
      ],
      { ...serverProcess, signal },
    );
    if (initdb.code !== 0) {
      throw new StackError(
        'COMMAND_FAILED',
        `postgres: initdb ${describeExit(initdb)}:\n${lastLines(initdb.output, 20)}`,
      );
    }
  }

  // The postgres process itself, not pg_ctl: pg_ctl daemonizes, and a daemon would outlive us.
  const connection = { host: LOOPBACK, port, user: SUPERUSER, password };
  const address = `${LOOPBACK}:${port}`;
  const server = await startOwnServer({
    spawn: {
      command: join(binDir, 'postgres'),
      args: [
        ...['-D', clusterDir, '-h', LOOPBACK, '-p', String(port), '-k', socketDir],
        ...['-c', 'max_connections=200', '-c', 'shared_buffers=256MB'],
        // The default, stated because tests kill this server on purpose and expect no data loss.
        ...['-c', 'fsync=on'],
      ],
      logFile,
      stopSignal: 'SIGINT',
      ...serverProcess,
    },
    name: 'postgres',
    address,
    logFile,
    probe: () => dataDirectoryOf(connection),
    expected: clusterDir,
    describe: (dir) => `data in ${dir}`,
    exitReport: async () => `the last lines of ${logFile}:\n${await logTail(logFile)}`,
    timeoutMs: startTimeoutMs,
    signal,
    whenReady: () => createDatabaseIfMissing(connection),
    startedAt: started,
    onProgress,
  });
  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${address}/${DATABASE}`;
  return { url, logFile, ...server };
}

/** PostgreSQL refuses to run as root; as root we run it as the user Debian's package creates. */
async function serverUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const user = await lookupOsUser(SUPERUSER);
  if (user) return user;
  throw new StackError(
    'POSTGRES_USER_MISSING',
    'PostgreSQL refuses to run as root, and there is no `postgres` user to run it as; ' +
      "install Debian's postgresql package (it creates that user) or start the stack as a normal user",
  );
}

async function handOver(dataDir: string, socketDir: string, user: OsUser): Promise<void> {
  const blocked = await firstBlockedFolder(dirname(dataDir), user);
  if (blocked) {
    throw new StackError(
      'DATA_DIR_UNREACHABLE',
      `PostgreSQL refuses to run as root, so the stack runs it as the \`${user.name}\` user, but that ` +
        `user cannot enter ${blocked.folder} (mode ${blocked.mode.toString(8)}) on the way to ${dataDir}; ` +
        `point GRIDSIGHT_DATA_DIR at a folder it can reach (e.g. /var/tmp/gridsight), ` +
        `or let it through with \`chmod o+x ${blocked.folder}\``,
    );
  }
  for (const path of [dataDir, socketDir]) await chown(path, user.uid, user.gid);
}

async function readOrCreatePassword(file: string, owner: OsUser | undefined): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined) return existing.trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  // initdb, running as the server's user, reads it through --pwfile.
  if (owner) await chown(file, owner.uid, owner.gid);
  return password;
}

interface Connection {
  host: string;
  port: number;
  user: string;
  password: string;
}

async function withClient<T>(connection: Connection, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...connection, database: 'postgres', connectionTimeoutMillis: 2000 });
  // A server shutting down mid-probe emits 'error' on the client; the failed query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dataDirectoryOf(connection: Connection): Promise<string> {
  try {
    return await withClient(connection, async (client) => {
      const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
      return rows[0]?.dir ?? '';
    });
  } catch (error) {
    // SQLSTATE 28P01: the password was refused. Waiting longer will not change that.
    if ((error as { code?: string }).code === '28P01') {
      throw new StackError(
        'WRONG_SERVER',
        `PostgreSQL on ${connection.host}:${connection.port} refused our password: either another ` +
          `server holds that port or superuser-password no longer matches the cluster beside it`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function createDatabaseIfMissing(connection: Connection): Promise<void> {
  await withClient(connection, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  });
}
