import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The Compose client to check compose files with, as argv: Docker's `docker compose` plugin when
 * installed, else the standalone `docker-compose` (Debian's package). Both parse and validate a
 * file without an engine.
 */
export async function composeCommand(): Promise<string[]> {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    try {
      await run(candidate[0]!, [...candidate.slice(1), 'version']);
      return candidate;
    } catch {
      // Not this one; try the next.
    }
  }
  throw new Error('no Compose client found: install the docker compose plugin or Debian\'s docker-compose package');
}
