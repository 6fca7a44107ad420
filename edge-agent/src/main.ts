#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, handleShutdown } from '@gridsight/service-kit';
import { startAgent } from './agent.js';
import { loadEdgeConfig } from './config.js';

const USAGE = `usage: node edge-agent/dist/main.js --config <file.yaml|json> [--check-config] [--once]
  --check-config  validate the config and exit (0 valid, 2 invalid, naming each bad field)
  --once          one pass over folder sources, publish what it found, then exit`;

const agentVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(): Promise<number> {
  let values: { config?: string; 'check-config'?: boolean; once?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { config: { type: 'string' }, 'check-config': { type: 'boolean' }, once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help || !values.config) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  let config;
  try {
    config = loadEdgeConfig(values.config);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (values['check-config']) {
    console.log(`${values.config}: valid (gateway ${config.gatewayId}, ${config.cameras.length} cameras, ${config.sensors.length} sensors)`);
    return 0;
  }
  const logger = createLogger('edge-agent', config.logLevel);
  const agent = await startAgent(config, { logger, once: values.once === true, agentVersion });
  logger.info({ gatewayId: config.gatewayId, opsPort: agent.opsPort, sensorInputPort: agent.sensorInputPort, once: values.once === true }, 'edge agent started');
  if (values.once) {
    await agent.drained;
    const flushed = await agent.flushed(30_000);
    if (!flushed) logger.warn('some events are still on disk; the next run sends them');
    await agent.stop();
    return 0;
  }
  handleShutdown(logger, [['agent', () => agent.stop()]], { timeoutMs: config.shutdownTimeoutMs });
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(`edge-agent: ${(error as Error).message}`);
    process.exit(1);
  },
);
