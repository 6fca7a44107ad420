import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../db/migrate.js';

/**
 * Where the real services of a test run are. `npm test` starts the stack and sets these; a test
 * run without them fails loudly rather than skipping, so a green run always means real services.
 */
export function testServices(): { postgresUrl: string; kafkaBrokers: string[] } {
  const postgresUrl = process.env.GRIDSIGHT_TEST_PG_URL;
  const kafkaBrokers = process.env.GRIDSIGHT_TEST_KAFKA_BROKERS;
  if (!postgresUrl || !kafkaBrokers) {
    throw new Error('GRIDSIGHT_TEST_PG_URL and GRIDSIGHT_TEST_KAFKA_BROKERS are not set: run the tests with `npm test`, which starts Kafka and PostgreSQL');
  }
  return { postgresUrl, kafkaBrokers: kafkaBrokers.split(',') };
}

/** The stack's Redis (the broker's session store); a stack started before Redis joined it has none. */
export function testRedisUrl(): string {
  const redisUrl = process.env.GRIDSIGHT_TEST_REDIS_URL;
  if (!redisUrl) {
    throw new Error('GRIDSIGHT_TEST_REDIS_URL is not set: run the tests with `npm test` on a stack that includes Redis (restart an older `npm start`)');
  }
  return redisUrl;
}

/** Names that never collide between runs or parallel suites (after kafkajs's secureRandom topics). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database on the test server, migrated to the latest schema unless asked not to. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = testServices().postgresUrl;
  const name = uniqueName('gs_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  if (options.migrated !== false) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await migrate(client);
    } finally {
      await client.end();
    }
  }
  return {
    url,
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
