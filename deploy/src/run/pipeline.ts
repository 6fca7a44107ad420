import { join } from 'node:path';
import { assertPortFree } from '../stack/ports.js';
import type { Stack } from '../stack/stack.js';
import { PORT_SETTINGS } from './runConfig.js';
import { ensureDevKeys } from './devKeys.js';
import { startService, type RunningService, type ServiceSpec } from './serviceProcess.js';

export interface PipelinePorts {
  mqtt: number;
  mqttWebSocket: number;
  http: number;
  brokerOps: number;
  streamProcessorOps: number;
  dispatchOps: number;
}

export function pipelineUrls(ports: PipelinePorts) {
  return {
    mqtt: `mqtt://127.0.0.1:${ports.mqtt}`,
    mqttWebSocket: `ws://127.0.0.1:${ports.mqttWebSocket}/mqtt`,
    workerApp: `http://127.0.0.1:${ports.http}/`,
    apiDocs: `http://127.0.0.1:${ports.http}/docs`,
    health: {
      broker: `http://127.0.0.1:${ports.brokerOps}/health`,
      'stream-processor': `http://127.0.0.1:${ports.streamProcessorOps}/health`,
      'dispatch-service': `http://127.0.0.1:${ports.dispatchOps}/health`,
    },
  };
}

/** A service that cannot bind exits, but another process's /health on its port would look like ours: check first. */
export async function assertPipelinePortsFree(ports: PipelinePorts): Promise<void> {
  for (const [key, setting] of Object.entries(PORT_SETTINGS)) {
    await assertPortFree({ port: ports[key as keyof PipelinePorts], likelyHolder: 'another Gridsight service', setting });
  }
}

export interface Pipeline {
  services: RunningService[];
  /** Stops the services in reverse order of start: the front door first, storage writers last. */
  stop(): Promise<void>;
  /** Kills one service with SIGKILL and starts it again, waiting until it is healthy (fault tests). */
  crashAndRestart(name: string): Promise<void>;
}

/** The pipeline's own services on top of a running stack, in dependency order, each waited on until healthy. */
export interface PipelineOptions {
  repoRoot: string;
  dataRoot: string;
  ports: PipelinePorts;
  /** Overrides for every service (e.g. a test's own database and consumer groups). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export async function startPipeline(stack: Pick<Stack, 'postgresUrl' | 'kafkaBrokers' | 'redisUrl'>, options: PipelineOptions): Promise<Pipeline> {
  const { ports } = options;
  const urls = pipelineUrls(ports);
  const keys = await ensureDevKeys(options.dataRoot);
  const common = { GRIDSIGHT_DATABASE_URL: stack.postgresUrl, GRIDSIGHT_KAFKA_BROKERS: stack.kafkaBrokers.join(','), ...options.env };
  const specs: ServiceSpec[] = [
    {
      name: 'stream-processor',
      script: 'stream-processor/dist/main.js',
      env: { ...common, GRIDSIGHT_SP_OPS_PORT: String(ports.streamProcessorOps) },
      healthUrl: urls.health['stream-processor'],
    },
    {
      name: 'dispatch-service',
      script: 'dispatch-service/dist/main.js',
      env: {
        ...common,
        GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: keys.tokenPrivateKeyFile,
        GRIDSIGHT_DISPATCH_HTTP_PORT: String(ports.http),
        GRIDSIGHT_DISPATCH_OPS_PORT: String(ports.dispatchOps),
      },
      healthUrl: urls.health['dispatch-service'],
    },
    {
      name: 'broker',
      script: 'broker/dist/main.js',
      // Local runs listen on loopback only; production binds all interfaces behind its firewall.
      env: {
        ...common,
        GRIDSIGHT_REDIS_URL: stack.redisUrl,
        GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: keys.tokenPublicKeyFile,
        GRIDSIGHT_BROKER_HOST: '127.0.0.1',
        GRIDSIGHT_MQTT_PORT: String(ports.mqtt),
        GRIDSIGHT_MQTT_WS_PORT: String(ports.mqttWebSocket),
        GRIDSIGHT_BROKER_OPS_PORT: String(ports.brokerOps),
      },
      healthUrl: urls.health.broker,
    },
  ];
  const services: RunningService[] = [];
  const stop = async (): Promise<void> => {
    for (const service of [...services].reverse()) await service.stop();
  };
  const start = (spec: ServiceSpec) =>
    startService(spec, { repoRoot: options.repoRoot, logDir: join(options.dataRoot, 'logs'), signal: options.signal, onProgress: options.onProgress });
  const crashAndRestart = async (name: string): Promise<void> => {
    const index = services.findIndex((s) => s.name === name);
    if (index < 0) throw new Error(`no service ${name} in this pipeline`);
    await services[index]!.kill();
    services[index] = await start(specs.find((s) => s.name === name)!);
  };
  try {
    for (const spec of specs) {
      options.onProgress?.(`${spec.name}: starting…`);
      services.push(await start(spec));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { services, stop, crashAndRestart };
}
