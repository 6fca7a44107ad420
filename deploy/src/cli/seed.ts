import pg from 'pg';
import { buildDistrict } from '../seed/district.js';
import { buildHistory } from '../seed/history.js';
import { createRandom } from '../seed/random.js';
import { writeSeed } from '../seed/writeSeed.js';
import { loadStackConfig } from '../stack/stackConfig.js';
import { readRunningStack } from '../stack/stackState.js';
import { loadMigrateConfig } from './migrateConfig.js';

const USAGE = 'usage: npm run seed -- [--days N] [--seed N] [--replace]';

// `npm run seed`: a realistic month of the fictional district into GRIDSIGHT_DATABASE_URL or the running local stack.
async function main(argv: string[]): Promise<number> {
  const options = { days: 30, seed: 20261128, replace: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--replace') options.replace = true;
    else if ((arg === '--days' || arg === '--seed') && /^\d+$/.test(argv[i + 1] ?? '')) options[arg.slice(2) as 'days' | 'seed'] = Number(argv[++i]);
    else {
      console.error(`seed: unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
      return 2;
    }
  }
  let databaseUrl: string | undefined;
  try {
    databaseUrl = loadMigrateConfig(process.env).GRIDSIGHT_DATABASE_URL ?? (await readRunningStack(loadStackConfig().dataRoot))?.postgresUrl;
  } catch (error) {
    console.error(`seed: ${(error as Error).message}`);
    return 1;
  }
  if (!databaseUrl) {
    console.error('seed: no database: set GRIDSIGHT_DATABASE_URL, or start the local stack with `npm start`');
    return 1;
  }
  const started = performance.now();
  const district = buildDistrict();
  const history = buildHistory(district, createRandom(options.seed), new Date(), options.days);
  console.error(`seed: generated ${options.days} days (seed ${options.seed}); writing…`);
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    await db.connect();
    await writeSeed(db, district, history, { replace: options.replace, onProgress: (line) => console.error(`seed: ${line}`) });
    console.error(`seed: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    console.error(`seed: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.end().catch(() => undefined);
  }
}

process.exit(await main(process.argv.slice(2)));
