import { join, resolve } from 'node:path';
import { repoRoot } from './repoPaths.js';
import { StackError } from './stackError.js';

/** The local stack's settings; the only place that reads them from the environment. */
export interface StackConfig {
  /** Kafka's and PostgreSQL's data and logs, and stack.json while a stack runs; absolute. */
  readonly dataRoot: string;
  /** Kafka's client listener on 127.0.0.1. */
  readonly kafkaPort: number;
  /** The KRaft controller listener on 127.0.0.1; clients never use it. */
  readonly kafkaControllerPort: number;
  /** PostgreSQL on 127.0.0.1; not 5432, so it never collides with a system cluster. */
  readonly pgPort: number;
  /** Redis on 127.0.0.1: the MQTT broker's session store. */
  readonly redisPort: number;
}

export const STACK_SETTINGS = {
  dataRoot: 'GRIDSIGHT_DATA_DIR',
  kafkaPort: 'GRIDSIGHT_KAFKA_PORT',
  kafkaControllerPort: 'GRIDSIGHT_KAFKA_CONTROLLER_PORT',
  pgPort: 'GRIDSIGHT_PG_PORT',
  redisPort: 'GRIDSIGHT_REDIS_PORT',
} as const satisfies Record<keyof StackConfig, string>;

export const STACK_DEFAULTS = {
  dataRoot: join(repoRoot, '.data'),
  kafkaPort: 9092,
  kafkaControllerPort: 9093,
  pgPort: 55432,
  redisPort: 56379,
} as const satisfies StackConfig;

type Env = Readonly<Record<string, string | undefined>>;

export function loadStackConfig(env: Env = process.env): StackConfig {
  const config: StackConfig = {
    dataRoot: folder(env, 'dataRoot'),
    kafkaPort: port(env, 'kafkaPort'),
    kafkaControllerPort: port(env, 'kafkaControllerPort'),
    pgPort: port(env, 'pgPort'),
    redisPort: port(env, 'redisPort'),
  };
  const ports = ['kafkaPort', 'kafkaControllerPort', 'pgPort', 'redisPort'] as const;
  for (const [i, a] of ports.entries()) {
    for (const b of ports.slice(i + 1)) {
      if (config[a] === config[b]) {
        invalid(`${STACK_SETTINGS[a]} and ${STACK_SETTINGS[b]} are both ${config[a]}; each service needs its own port`);
      }
    }
  }
  return Object.freeze(config);
}

// An empty value counts as unset, as `GRIDSIGHT_PG_PORT= npm start` means "no override".
function raw(env: Env, key: keyof StackConfig): string | undefined {
  const value = env[STACK_SETTINGS[key]]?.trim();
  return value === '' ? undefined : value;
}

function port(env: Env, key: 'kafkaPort' | 'kafkaControllerPort' | 'pgPort' | 'redisPort'): number {
  const value = raw(env, key);
  if (value === undefined) return STACK_DEFAULTS[key];
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && number <= 65535)) {
    invalid(`${STACK_SETTINGS[key]} must be a TCP port number from 1 to 65535, not "${value}"`);
  }
  return number;
}

function folder(env: Env, key: 'dataRoot'): string {
  const value = raw(env, key);
  return value === undefined ? STACK_DEFAULTS[key] : resolve(value);
}

function invalid(message: string): never {
  throw new StackError('CONFIG_INVALID', message);
}
