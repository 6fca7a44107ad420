export { ConfigError, loadEnvConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { createMetricsRegistry } from './metrics.js';
export { startOpsServer, type HealthReport, type OpsServer, type OpsServerOptions } from './opsServer.js';
export { handleShutdown, type ShutdownOptions } from './shutdown.js';
export { createOutboxRelay, writeOutbox, type OutboxMessage, type OutboxRelay, type OutboxRelayOptions, type RelayRound } from './outbox/index.js';
export { hashPassword, hashSecret, MACHINE_SECRET_SCRYPT_PARAMS, newSecret, PASSWORD_SCRYPT_PARAMS, verifyPassword, verifySecret, type ScryptParams } from './crypto/secretHash.js';
export { DATABASE_ERRORS, DatabaseError, inTransaction, isTransientDatabaseError, type DatabaseErrorCode, type TransactionOptions } from './db/transaction.js';
