import { KAFKA_TOPIC_SPECS, StringEnum } from '@gridsight/contracts';
import { loadEnvConfig } from '@gridsight/service-kit';
import { Type } from '@sinclair/typebox';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { migrate } from '../db/migrate.js';
import { ensureTopics } from '../kafka/ensureTopics.js';

// The one-shot job of a deployment (compose `migrate` service): schema, topics, and the Grafana
// role's password, each idempotent, so it runs on every upgrade.
const ProvisionConfig = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  GRIDSIGHT_KAFKA_BROKERS: Type.String({ minLength: 1, description: 'comma-separated host:port list' }),
  GRIDSIGHT_KAFKA_REPLICATION_FACTOR: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
  GRIDSIGHT_TIMESCALE: StringEnum(['auto', 'off', 'require'], { default: 'require' }),
  GRIDSIGHT_GRAFANA_DB_PASSWORD: Type.Optional(Type.String({ minLength: 16, description: 'password of the read-only grafana_reader role' })),
});

const say = (line: string) => console.error(`provision: ${line}`);

async function main(): Promise<number> {
  let config;
  try {
    config = loadEnvConfig(ProvisionConfig, process.env);
  } catch (error) {
    say((error as Error).message);
    return 1;
  }
  const db = new pg.Client({ connectionString: config.GRIDSIGHT_DATABASE_URL });
  const admin = new Kafka({ clientId: 'gridsight-provision', brokers: config.GRIDSIGHT_KAFKA_BROKERS.split(','), logLevel: logLevel.WARN }).admin();
  try {
    await db.connect();
    const result = await migrate(db, { timescale: config.GRIDSIGHT_TIMESCALE, onProgress: say });
    say(`schema: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied, ${result.skipped.length} skipped`);
    if (config.GRIDSIGHT_GRAFANA_DB_PASSWORD) {
      // A literal cannot be a bind parameter in ALTER ROLE; format() quotes it safely.
      const { rows } = await db.query<{ sql: string }>("SELECT format('ALTER ROLE grafana_reader PASSWORD %L', $1::text) AS sql", [config.GRIDSIGHT_GRAFANA_DB_PASSWORD]);
      await db.query(rows[0]!.sql);
      say('grafana_reader: password set');
    }
    await admin.connect();
    const created = await ensureTopics(admin, KAFKA_TOPIC_SPECS, config.GRIDSIGHT_KAFKA_REPLICATION_FACTOR);
    say(`kafka: ${created.length > 0 ? `created ${created.join(', ')}` : 'all topics exist'}`);
    return 0;
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
  }
}

process.exit(await main());
