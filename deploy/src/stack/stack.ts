import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startKafka, type KafkaServer } from './kafkaServer.js';
import { assertPortFree, type PortClaim } from './ports.js';
import { startPostgres, type PostgresServer } from './postgresServer.js';
import { startRedis, type RedisServer } from './redisServer.js';
import type { ExitStatus } from './runCommand.js';
import { STACK_SETTINGS } from './stackConfig.js';
import { StackError, isStackError } from './stackError.js';
import { readRunningStack, removeStackState, writeStackState } from './stackState.js';

export interface StackOptions {
  dataRoot: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  pgPort: number;
  redisPort: number;
  /** One line per step, for a terminal: "kafka: up on 127.0.0.1:9092 in 6.1 s". */
  onProgress?: (line: string) => void;
  /** Aborting stops whatever has started and makes startStack reject with code ABORTED. */
  signal?: AbortSignal;
}

export interface ServiceExit extends ExitStatus {
  service: 'kafka' | 'postgres' | 'redis';
  logFile: string;
}

export interface Stack {
  kafkaBrokers: string[];
  postgresUrl: string;
  /** The broker's session store. */
  redisUrl: string;
  /** Resolves if Kafka, PostgreSQL or Redis exits on its own while the stack is up; never after stop(). */
  unexpectedExit: Promise<ServiceExit>;
  /** Stops all servers cleanly (SIGKILL only past a 20 s grace) and removes stack.json. */
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { dataRoot, onProgress } = options;
  await mkdir(dataRoot, { recursive: true });
  const running = await readRunningStack(dataRoot);
  if (running) {
    throw new StackError(
      'STACK_RUNNING',
      `a Gridsight stack is already running on ${dataRoot} (pid ${running.pid}, since ${running.startedAt}); ` +
        `stop it first, or give a second one its own ${STACK_SETTINGS.dataRoot} and ports`,
    );
  }
  for (const claim of portClaims(options)) await assertPortFree(claim);

  // Either failure calls off the other start, so a broken PostgreSQL does not wait for Kafka.
  const calledOff = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, calledOff.signal]) : calledOff.signal;
  const callOffOnFailure = <T>(start: Promise<T>): Promise<T> =>
    start.catch((error: unknown) => {
      calledOff.abort();
      throw error;
    });
  const [kafka, postgres, redis] = await Promise.allSettled([
    callOffOnFailure(
      startKafka({
        dataDir: join(dataRoot, 'kafka'),
        port: options.kafkaPort,
        controllerPort: options.kafkaControllerPort,
        signal,
        onProgress,
      }),
    ),
    callOffOnFailure(startPostgres({ dataDir: join(dataRoot, 'postgres'), port: options.pgPort, signal, onProgress })),
    callOffOnFailure(startRedis({ dataDir: join(dataRoot, 'redis'), port: options.redisPort, signal, onProgress })),
  ]);

  if (kafka.status === 'rejected' || postgres.status === 'rejected' || redis.status === 'rejected') {
    await Promise.all([kafka, postgres, redis].map((start) => (start.status === 'fulfilled' ? start.value.stop() : undefined)));
    throw rootCause([kafka, postgres, redis]);
  }
  return runningStack(dataRoot, kafka.value, postgres.value, redis.value);
}

function portClaims(options: StackOptions): PortClaim[] {
  return [
    { port: options.kafkaPort, likelyHolder: 'another Kafka', setting: STACK_SETTINGS.kafkaPort },
    { port: options.kafkaControllerPort, likelyHolder: 'another Kafka', setting: STACK_SETTINGS.kafkaControllerPort },
    { port: options.pgPort, likelyHolder: 'another PostgreSQL', setting: STACK_SETTINGS.pgPort },
    { port: options.redisPort, likelyHolder: 'another Redis', setting: STACK_SETTINGS.redisPort },
  ];
}

// The start that failed first aborted the other; report the failure, not the abort it caused.
function rootCause(results: PromiseSettledResult<unknown>[]): unknown {
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  return errors.find((error) => !isStackError(error, 'ABORTED')) ?? errors[0];
}

async function runningStack(dataRoot: string, kafka: KafkaServer, postgres: PostgresServer, redis: RedisServer): Promise<Stack> {
  let stopping: Promise<void> | undefined;
  const unexpectedExit = new Promise<ServiceExit>((resolve) => {
    const watch = (service: ServiceExit['service'], server: KafkaServer | PostgresServer | RedisServer): void => {
      void server.exited.then((exit) => {
        if (!stopping) resolve({ service, logFile: server.logFile, ...exit });
      });
    };
    watch('kafka', kafka);
    watch('postgres', postgres);
    watch('redis', redis);
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await removeStackState(dataRoot);
      await Promise.all([kafka.stop(), postgres.stop(), redis.stop()]);
    })();
    return stopping;
  };
  const kafkaBrokers = kafka.brokers;
  const postgresUrl = postgres.url;
  const redisUrl = redis.url;
  const state = { pid: process.pid, kafkaBrokers, postgresUrl, redisUrl, startedAt: new Date().toISOString() };
  await writeStackState(dataRoot, state).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { kafkaBrokers, postgresUrl, redisUrl, unexpectedExit, stop };
}
