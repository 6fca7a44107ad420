import { readFileSync } from 'node:fs';
import { StringEnum } from '@gridsight/contracts';
import { ConfigError, loadEnvConfig } from '@gridsight/service-kit';
import { Type, type Static } from '@sinclair/typebox';

const Port = (fallback: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback, description });
const Positive = (fallback: number, description: string) => Type.Integer({ minimum: 1, default: fallback, description });
const OptionalFile = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

export const BrokerEnv = Type.Object(
  {
    GRIDSIGHT_BROKER_HOST: Type.String({ default: '0.0.0.0', description: 'Address the MQTT listeners bind to' }),
    GRIDSIGHT_MQTT_PORT: Port(1883, 'MQTT over TCP; 0 picks a free port'),
    GRIDSIGHT_MQTTS_PORT: Port(8883, 'MQTT over TLS; used only when the TLS cert and key files are set'),
    GRIDSIGHT_MQTT_WS_PORT: Port(8083, 'MQTT over WebSocket on path /mqtt, for the worker app'),
    GRIDSIGHT_BROKER_OPS_HOST: Type.String({ default: '127.0.0.1', description: 'Address of /health and /metrics' }),
    GRIDSIGHT_BROKER_OPS_PORT: Port(9301, 'Port of /health and /metrics'),
    GRIDSIGHT_KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', description: 'Comma-separated host:port list' }),
    GRIDSIGHT_DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:55432/gridsight', description: 'PostgreSQL with the gateways and service_accounts tables' }),
    GRIDSIGHT_REDIS_URL: Type.String({ default: 'redis://127.0.0.1:56379', description: 'Redis for QoS 1 sessions, retained messages and wills' }),
    GRIDSIGHT_MQTT_EMITTER: StringEnum(['memory', 'redis'], { default: 'memory', description: 'redis (mqemitter-redis) when several broker instances share subscriptions and sessions behind a load balancer' }),
    GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: OptionalFile('PEM (SPKI) public key that verifies access tokens; without it, token logins are refused'),
    GRIDSIGHT_TLS_CERT_FILE: OptionalFile('PEM certificate of the TLS listener'),
    GRIDSIGHT_TLS_KEY_FILE: OptionalFile('PEM private key of the TLS listener'),
    GRIDSIGHT_TLS_CA_FILE: OptionalFile('PEM CA bundle for gateway client certificates; enables certificate logins'),
    GRIDSIGHT_MQTT_MAX_PACKET_BYTES: Positive(256 * 1024, 'Largest MQTT packet accepted; bigger ones close the connection before they are buffered'),
    GRIDSIGHT_MQTT_MAX_CONNECTIONS: Positive(10_000, 'Open connections across all listeners; more are closed at once'),
    GRIDSIGHT_MQTT_RATE_PER_SECOND: Positive(50, 'Sustained PUBLISH rate per client'),
    GRIDSIGHT_MQTT_RATE_BURST: Positive(500, 'PUBLISH burst per client (a gateway replaying its backlog)'),
    GRIDSIGHT_MQTT_RATE_MAX_DELAY_MS: Type.Integer({ minimum: 0, default: 2000, description: 'A client over its rate is slowed down by up to this; beyond, it is disconnected' }),
    GRIDSIGHT_MQTT_DRAIN_TIMEOUT_MS: Positive(10_000, 'A subscriber that does not drain its socket within this is disconnected'),
    GRIDSIGHT_MQTT_CONNECT_TIMEOUT_MS: Positive(10_000, 'Time from TCP connect to a CONNECT packet'),
    GRIDSIGHT_BRIDGE_LINGER_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5, description: 'How long a Kafka batch gathers messages of all clients' }),
    GRIDSIGHT_BRIDGE_MAX_BATCH: Positive(1000, 'Records per Kafka sendBatch at most'),
    GRIDSIGHT_BRIDGE_MAX_IN_FLIGHT: Positive(5000, 'Messages waiting for Kafka at most; further publishes wait without PUBACK'),
    GRIDSIGHT_BRIDGE_PRODUCERS: Type.Integer({ minimum: 1, maximum: 16, default: 1, description: 'Idempotent Kafka producers (on the producer thread), each with one batch in flight; a client always uses the same one, so its records keep their order. More overlap round trips to a remote Kafka; on one busy machine 1 measured fastest (smaller batches cost more CPU per record)' }),
    GRIDSIGHT_BRIDGE_GIVE_UP_MS: Positive(30_000, 'Kafka unreachable this long: the waiting clients are disconnected without PUBACK and resend later'),
    GRIDSIGHT_AUTH_CACHE_MS: Type.Integer({ minimum: 0, default: 30_000, description: 'How long a verified credential is trusted without scrypt; changes in the database evict at once' }),
    GRIDSIGHT_TOKEN_RECHECK_MS: Positive(2000, 'How often the access tokens of open worker-app sessions are checked again in access_tokens; a revoked one is disconnected'),
    GRIDSIGHT_SESSION_PACKET_TTL_S: Positive(7 * 24 * 3600, 'Offline QoS 1 messages expire from Redis after this'),
    GRIDSIGHT_SESSION_MAX_DELIVERY: Positive(1000, 'Offline messages delivered on reconnect at most'),
    GRIDSIGHT_LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
    GRIDSIGHT_SHUTDOWN_TIMEOUT_MS: Positive(20_000, 'Graceful stop deadline'),
  },
  { additionalProperties: true },
);

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export interface BrokerConfig {
  host: string;
  mqttPort: number;
  mqttsPort: number;
  wsPort: number;
  opsHost: string;
  opsPort: number;
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
  /** How published messages reach subscribers: in this process, or through Redis to every instance. */
  emitter: 'memory' | 'redis';
  tokenPublicKeyPem?: string;
  tls?: TlsFiles;
  limits: {
    maxPacketBytes: number;
    maxConnections: number;
    ratePerSecond: number;
    rateBurst: number;
    rateMaxDelayMs: number;
    drainTimeoutMs: number;
    connectTimeoutMs: number;
  };
  bridge: { lingerMs: number; maxBatch: number; maxInFlight: number; giveUpMs: number; producers: number };
  authCacheMs: number;
  tokenRecheckMs: number;
  session: { packetTtlSeconds: number; maxDelivery: number };
  logLevel: Static<typeof BrokerEnv>['GRIDSIGHT_LOG_LEVEL'];
  shutdownTimeoutMs: number;
}

export function loadBrokerConfig(env: NodeJS.ProcessEnv): Readonly<BrokerConfig> {
  const raw = loadEnvConfig(BrokerEnv, env);
  const read = (variable: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${variable} names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  };
  const cert = read('GRIDSIGHT_TLS_CERT_FILE', raw.GRIDSIGHT_TLS_CERT_FILE);
  const key = read('GRIDSIGHT_TLS_KEY_FILE', raw.GRIDSIGHT_TLS_KEY_FILE);
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError('invalid configuration: GRIDSIGHT_TLS_CERT_FILE and GRIDSIGHT_TLS_KEY_FILE must be set together');
  }
  const ca = read('GRIDSIGHT_TLS_CA_FILE', raw.GRIDSIGHT_TLS_CA_FILE);
  if (ca && !cert) throw new ConfigError('invalid configuration: GRIDSIGHT_TLS_CA_FILE needs GRIDSIGHT_TLS_CERT_FILE and GRIDSIGHT_TLS_KEY_FILE');
  const kafkaBrokers = raw.GRIDSIGHT_KAFKA_BROKERS.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (kafkaBrokers.length === 0) throw new ConfigError('invalid configuration: GRIDSIGHT_KAFKA_BROKERS names no broker');
  const tokenKey = read('GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE', raw.GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE);
  return Object.freeze({
    host: raw.GRIDSIGHT_BROKER_HOST,
    mqttPort: raw.GRIDSIGHT_MQTT_PORT,
    mqttsPort: raw.GRIDSIGHT_MQTTS_PORT,
    wsPort: raw.GRIDSIGHT_MQTT_WS_PORT,
    opsHost: raw.GRIDSIGHT_BROKER_OPS_HOST,
    opsPort: raw.GRIDSIGHT_BROKER_OPS_PORT,
    kafkaBrokers,
    databaseUrl: raw.GRIDSIGHT_DATABASE_URL,
    redisUrl: raw.GRIDSIGHT_REDIS_URL,
    emitter: raw.GRIDSIGHT_MQTT_EMITTER,
    tokenPublicKeyPem: tokenKey?.toString('utf8'),
    tls: cert && key ? { cert, key, ca } : undefined,
    limits: {
      maxPacketBytes: raw.GRIDSIGHT_MQTT_MAX_PACKET_BYTES,
      maxConnections: raw.GRIDSIGHT_MQTT_MAX_CONNECTIONS,
      ratePerSecond: raw.GRIDSIGHT_MQTT_RATE_PER_SECOND,
      rateBurst: raw.GRIDSIGHT_MQTT_RATE_BURST,
      rateMaxDelayMs: raw.GRIDSIGHT_MQTT_RATE_MAX_DELAY_MS,
      drainTimeoutMs: raw.GRIDSIGHT_MQTT_DRAIN_TIMEOUT_MS,
      connectTimeoutMs: raw.GRIDSIGHT_MQTT_CONNECT_TIMEOUT_MS,
    },
    bridge: {
      lingerMs: raw.GRIDSIGHT_BRIDGE_LINGER_MS,
      maxBatch: raw.GRIDSIGHT_BRIDGE_MAX_BATCH,
      maxInFlight: raw.GRIDSIGHT_BRIDGE_MAX_IN_FLIGHT,
      giveUpMs: raw.GRIDSIGHT_BRIDGE_GIVE_UP_MS,
      producers: raw.GRIDSIGHT_BRIDGE_PRODUCERS,
    },
    authCacheMs: raw.GRIDSIGHT_AUTH_CACHE_MS,
    tokenRecheckMs: raw.GRIDSIGHT_TOKEN_RECHECK_MS,
    session: { packetTtlSeconds: raw.GRIDSIGHT_SESSION_PACKET_TTL_S, maxDelivery: raw.GRIDSIGHT_SESSION_MAX_DELIVERY },
    logLevel: raw.GRIDSIGHT_LOG_LEVEL,
    shutdownTimeoutMs: raw.GRIDSIGHT_SHUTDOWN_TIMEOUT_MS,
  });
}
