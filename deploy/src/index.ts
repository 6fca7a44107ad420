export { migrate, loadMigrations, MigrationError, MIGRATIONS_DIR, type MigrateOptions, type MigrateResult, type TimescaleMode } from './db/migrate.js';
export type { SqlClient } from './db/sqlClient.js';
export { ensureTopics } from './kafka/ensureTopics.js';
export { startStack, type Stack, type StackOptions } from './stack/stack.js';
export { startKafka, type KafkaServer } from './stack/kafkaServer.js';
export { loadStackConfig, type StackConfig } from './stack/stackConfig.js';
export { readRunningStack, type StackState } from './stack/stackState.js';
export { StackError, isStackError } from './stack/stackError.js';
