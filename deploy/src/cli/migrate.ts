import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { loadStackConfig } from '../stack/stackConfig.js';
import { readRunningStack } from '../stack/stackState.js';
import { loadMigrateConfig } from './migrateConfig.js';

// `npm run migrate`: GRIDSIGHT_DATABASE_URL, or else the local stack that `npm start` runs.
async function main(): Promise<number> {
  let config;
  try {
    config = loadMigrateConfig(process.env);
  } catch (error) {
    console.error(`migrate: ${(error as Error).message}`);
    return 1;
  }
  const databaseUrl = config.GRIDSIGHT_DATABASE_URL ?? (await readRunningStack(loadStackConfig().dataRoot))?.postgresUrl;
  if (!databaseUrl) {
    console.error('migrate: no database: set GRIDSIGHT_DATABASE_URL, or start the local stack with `npm start`');
    return 1;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const result = await migrate(client, { timescale: config.GRIDSIGHT_TIMESCALE, onProgress: (line) => console.error(`migrate: ${line}`) });
    console.error(`migrate: done (${result.applied.length} applied, ${result.alreadyApplied.length} already applied, ${result.skipped.length} skipped)`);
    return 0;
  } catch (error) {
    console.error(`migrate: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

process.exit(await main());
