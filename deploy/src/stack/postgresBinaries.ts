import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './runCommand.js';
import { StackError } from './stackError.js';

// Debian installs each major version side by side under /usr/lib/postgresql/<major>/bin and puts
// only client tools on PATH.
const DEBIAN_ROOT = '/usr/lib/postgresql';

function hasServerBinaries(binDir: string): boolean {
  return existsSync(join(binDir, 'postgres')) && existsSync(join(binDir, 'initdb'));
}

/** Version folder names, newest first: "16" before "15", "9.6" last. */
export function newestFirst(versions: string[]): string[] {
  return versions
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
}

export async function findPostgresBinDir(env?: NodeJS.ProcessEnv): Promise<string> {
  const fromPgConfig = await runCommand('pg_config', ['--bindir'], { env }).then(
    (result) => (result.code === 0 ? result.output.trim() : undefined),
    () => undefined,
  );
  const versions = await readdir(DEBIAN_ROOT).catch(() => []);
  const candidates = [
    ...(fromPgConfig ? [fromPgConfig] : []),
    ...newestFirst(versions).map((version) => join(DEBIAN_ROOT, version, 'bin')),
  ];
  const found = candidates.find(hasServerBinaries);
  if (found) return found;
  throw new StackError(
    'POSTGRES_MISSING',
    `the PostgreSQL server (initdb, postgres) was found neither through \`pg_config --bindir\` nor in ` +
      `${DEBIAN_ROOT}/*/bin; install Debian's postgresql package (apt-get install postgresql)`,
  );
}
