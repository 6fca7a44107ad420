import { join } from 'node:path';
import type { Stack } from '../stack/stack.js';
import { ensureDevKeys } from './devKeys.js';
import { startService, type RunningService, type ServiceSpec } from './serviceProcess.js';

export const LOCAL_URLS = {
  mqtt: 'mqtt://127.0.0.1:1883',
  mqttWebSocket: 'ws://127.0.0.1:8083/mqtt',
  workerApp: 'http://127.0.0.1:8080/',
  apiDocs: 'http://127.0.0.1:8080/docs',
  health: { broker: 'http://127.0.0.1:9301/health', 'stream-processor': 'http://127.0.0.1:9302/health', 'dispatch-service': 'http://127.0.0.1:9303/health' },
} as const;

export interface Pipeline {
  services: RunningService[];
  /** Stops the services in reverse order of start: the front door first, storage writers last. */
  stop(): Promise<void>;
}

/** The pipeline's own services on top of a running stack, in dependency order, each waited on until healthy. */
export async function startPipeline(stack: Stack, options: { repoRoot: string; dataRoot: string; signal?: AbortSignal; onProgress?: (line: string) => void }): Promise<Pipeline> {
  const keys = await ensureDevKeys(options.dataRoot);
  const common = { GRIDSIGHT_DATABASE_URL: stack.postgresUrl, GRIDSIGHT_KAFKA_BROKERS: stack.kafkaBrokers.join(',') };
  const specs: ServiceSpec[] = [
    { name: 'stream-processor', script: 'stream-processor/dist/main.js', env: common, healthUrl: LOCAL_URLS.health['stream-processor'] },
    {
      name: 'dispatch-service',
      script: 'dispatch-service/dist/main.js',
      env: { ...common, GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: keys.tokenPrivateKeyFile },
      healthUrl: LOCAL_URLS.health['dispatch-service'],
    },
    {
      name: 'broker',
      script: 'broker/dist/main.js',
      // Local runs listen on loopback only; production binds all interfaces behind its firewall.
      env: { ...common, GRIDSIGHT_REDIS_URL: stack.redisUrl, GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: keys.tokenPublicKeyFile, GRIDSIGHT_BROKER_HOST: '127.0.0.1' },
      healthUrl: LOCAL_URLS.health.broker,
    },
  ];
  const services: RunningService[] = [];
  const stop = async (): Promise<void> => {
    for (const service of [...services].reverse()) await service.stop();
  };
  try {
    for (const spec of specs) {
      options.onProgress?.(`${spec.name}: starting…`);
      services.push(await startService(spec, { repoRoot: options.repoRoot, logDir: join(options.dataRoot, 'logs'), signal: options.signal, onProgress: options.onProgress }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { services, stop };
}
