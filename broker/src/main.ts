import { ConfigError, createLogger, handleShutdown } from '@gridsight/service-kit';
import { loadBrokerConfig } from './config.js';
import { startBroker } from './broker.js';

const bootLogger = createLogger('broker');
try {
  const config = loadBrokerConfig(process.env);
  const logger = createLogger('broker', config.logLevel);
  const broker = await startBroker(config, logger);
  handleShutdown(logger, [['broker', () => broker.close()]], { timeoutMs: config.shutdownTimeoutMs });
} catch (error) {
  if (error instanceof ConfigError) bootLogger.fatal(error.message);
  else bootLogger.fatal({ err: error }, 'broker failed to start');
  process.exit(1);
}
