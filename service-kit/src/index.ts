export { ConfigError, loadEnvConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { createMetricsRegistry } from './metrics.js';
export { startOpsServer, type HealthReport, type OpsServer, type OpsServerOptions } from './opsServer.js';
export { handleShutdown, type ShutdownOptions } from './shutdown.js';
export { createOutboxRelay, writeOutbox, type OutboxMessage, type OutboxRelay, type OutboxRelayOptions, type RelayRound } from './outbox/index.js';
