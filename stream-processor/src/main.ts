import { loadStackConfig, readRunningStack } from '@gridsight/deploy';
import { createLogger, createMetricsRegistry, handleShutdown, startOpsServer } from '@gridsight/service-kit';
import { loadStreamProcessorConfig } from './config.js';
import { ProcessorError } from './errors.js';
import { createStreamProcessor } from './processor.js';

const SERVICE = 'stream-processor';

async function main(): Promise<void> {
  let config;
  try {
    config = loadStreamProcessorConfig(process.env);
  } catch (error) {
    console.error(`${SERVICE}: ${(error as Error).message}`);
    process.exit(1);
  }
  const logger = createLogger(SERVICE, config.GRIDSIGHT_LOG_LEVEL);
  // No default URL: the local stack's password is generated, so it is read from the running stack.
  const databaseUrl = config.GRIDSIGHT_DATABASE_URL ?? (await readRunningStack(loadStackConfig().dataRoot))?.postgresUrl;
  if (!databaseUrl) {
    logger.fatal({ code: 'SP_CONFIG_NO_DATABASE' }, new ProcessorError('SP_CONFIG_NO_DATABASE').message);
    process.exit(1);
  }
  const registry = createMetricsRegistry(SERVICE);
  const processor = createStreamProcessor({ config, databaseUrl, logger, registry });
  const ops = await startOpsServer({ host: config.GRIDSIGHT_SP_OPS_HOST, port: config.GRIDSIGHT_SP_OPS_PORT, registry, health: () => processor.health() });
  handleShutdown(
    logger,
    [
      ['processor', () => processor.stop()],
      ['ops server', () => ops.close()],
    ],
    { timeoutMs: config.GRIDSIGHT_SP_SHUTDOWN_TIMEOUT_MS },
  );
  try {
    await processor.start();
  } catch (error) {
    logger.fatal({ err: error }, 'could not start: Kafka or the database is unreachable');
    process.exit(1);
  }
  logger.info({ opsPort: ops.port, groupId: config.GRIDSIGHT_SP_GROUP_ID }, 'stream processor running');
}

await main();
