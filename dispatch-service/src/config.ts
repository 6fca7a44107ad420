import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ANOMALY_KINDS, KAFKA_TOPICS, StringEnum, TICKET_PRIORITIES, type AnomalyKind } from '@gridsight/contracts';
import { ConfigError, loadEnvConfig } from '@gridsight/service-kit';
import { DEFAULT_SLA_TABLE, type SlaRule, type SlaTable } from './core/slaPolicy.js';
import type { RetryPolicy } from './core/poisonPolicy.js';
import { isValidTimeZone } from './core/shifts.js';

const Port = (defaultPort: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort, description });

export const DispatchEnv = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.String({ minLength: 1, description: 'PostgreSQL URL of the Gridsight database' }),
  GRIDSIGHT_KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', description: 'Comma-separated host:port list' }),
  GRIDSIGHT_DISPATCH_KAFKA_GROUP: Type.String({ default: 'dispatch-service', minLength: 1, description: 'Kafka consumer group of the incidents consumer' }),
  GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC: Type.String({ default: KAFKA_TOPICS.incidents, minLength: 1, description: 'Topic the incident events come from' }),
  GRIDSIGHT_DISPATCH_TICKET_EVENTS_TOPIC: Type.String({ default: KAFKA_TOPICS.ticketEvents, minLength: 1, description: 'Topic the outbox announces ticket transitions on' }),
  GRIDSIGHT_DISPATCH_DLQ_TOPIC: Type.String({ default: KAFKA_TOPICS.anomalyEventsDlq, minLength: 1, description: 'Where malformed incident events go, with the reason' }),
  GRIDSIGHT_DISPATCH_ANOMALY_EVENTS_TOPIC: Type.String({ default: KAFKA_TOPICS.anomalyEvents, minLength: 1, description: 'Topic Open311 citizen reports enter the pipeline on' }),
  GRIDSIGHT_DISPATCH_INCIDENT_MAX_ATTEMPTS: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 6,
    description: 'Attempts at an incident event that fails while the database answers, before it goes to the dead-letter topic',
  }),
  GRIDSIGHT_DISPATCH_INCIDENT_RETRY_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 500, description: 'First retry delay of a failed incident event; doubles per attempt, at most 30 s' }),
  GRIDSIGHT_DISPATCH_HTTP_HOST: Type.String({ default: '127.0.0.1', description: 'Address the worker API and web app listen on' }),
  GRIDSIGHT_DISPATCH_HTTP_PORT: Port(8080, 'Port of the worker API and web app'),
  GRIDSIGHT_DISPATCH_OPS_PORT: Port(9303, 'Port of /health and /metrics'),
  GRIDSIGHT_DISPATCH_PUBLIC_URL: Type.String({ default: '', description: 'Base URL clients reach the service at (photo links); empty: relative links' }),
  GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: Type.String({ minLength: 1, description: 'PEM (PKCS#8) EC P-256 private key that signs access tokens' }),
  GRIDSIGHT_TOKEN_TTL_S: Type.Integer({ minimum: 60, maximum: 7 * 24 * 3600, default: 12 * 3600, description: 'Access token lifetime in seconds (a shift and some)' }),
  GRIDSIGHT_DISPATCH_REVOCATION_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 1000,
    description: 'How long this instance trusts a token it checked against access_tokens; a revocation made through another instance takes effect within this time (0: check every request)',
  }),
  GRIDSIGHT_DISPATCH_SLA: Type.String({
    default: '',
    description: 'JSON overriding the SLA per kind, e.g. {"bin_full":{"priority":"P2","acceptWithinMinutes":30,"resolveWithinMinutes":240}}',
  }),
  GRIDSIGHT_DISPATCH_TIME_ZONE: Type.String({ default: 'Asia/Shanghai', description: 'IANA time zone the roster shifts are written in' }),
  GRIDSIGHT_DISPATCH_NEARBY_RADIUS_M: Type.Number({ minimum: 0, maximum: 100_000, default: 3000, description: 'How far a worker home cell may be to take a ticket of another cell' }),
  GRIDSIGHT_DISPATCH_REOPEN_GRACE_S: Type.Integer({ minimum: 0, maximum: 3600, default: 120, description: 'Sightings this soon after a resolution do not reopen the ticket' }),
  GRIDSIGHT_DISPATCH_TIMER_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000, description: 'How often the deadline scheduler looks for due work' }),
  GRIDSIGHT_DISPATCH_PHOTO_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 8 * 1024 * 1024, description: 'Largest photo upload accepted' }),
  GRIDSIGHT_DISPATCH_MQTT_URL: Type.String({ default: '', description: 'Broker URL to push ticket events to workers over MQTT (e.g. mqtt://127.0.0.1:1883); empty: SSE only' }),
  GRIDSIGHT_DISPATCH_MQTT_ACCOUNT: Type.String({ default: 'dispatch', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', description: 'Broker service account id' }),
  GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE: Type.String({ default: '', description: 'File holding the service account secret (needed when GRIDSIGHT_DISPATCH_MQTT_URL is set)' }),
  GRIDSIGHT_LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});

const SlaRuleOverride = Type.Object(
  {
    // TypeBox's own checker reads literals, not the contracts' plain-JSON-Schema StringEnum.
    priority: Type.Optional(Type.Union(TICKET_PRIORITIES.map((p) => Type.Literal(p)))),
    acceptWithinMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 7 * 24 * 60 })),
    resolveWithinMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 90 * 24 * 60 })),
  },
  { additionalProperties: false },
);
const SlaOverride = Type.Object(Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, Type.Optional(SlaRuleOverride)])), { additionalProperties: false });

export interface DispatchConfig {
  databaseUrl: string;
  kafka: { brokers: string[]; groupId: string; incidentsTopic: string; ticketEventsTopic: string; anomalyEventsTopic: string; dlqTopic: string };
  incidentRetry: RetryPolicy;
  http: { host: string; port: number; publicUrl: string };
  opsPort: number;
  tokens: { privateKeyPem: string; ttlSeconds: number; revocationCacheMs: number };
  sla: SlaTable;
  timeZone: string;
  nearbyRadiusM: number;
  reopenGraceMs: number;
  timerIntervalMs: number;
  photoMaxBytes: number;
  /** Absent: no MQTT push. */
  mqtt?: { url: string; accountId: string; secret: string };
  logLevel: Static<typeof DispatchEnv>['GRIDSIGHT_LOG_LEVEL'];
}

/** The one config object: env validated, the SLA table merged over the defaults, the signing key read, all cross-checked and frozen. */
export function loadDispatchConfig(env: NodeJS.ProcessEnv): Readonly<DispatchConfig> {
  const raw = loadEnvConfig(DispatchEnv, env);
  if (!isValidTimeZone(raw.GRIDSIGHT_DISPATCH_TIME_ZONE)) {
    throw new ConfigError(`invalid configuration: GRIDSIGHT_DISPATCH_TIME_ZONE ${JSON.stringify(raw.GRIDSIGHT_DISPATCH_TIME_ZONE)} is not an IANA time zone`);
  }
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(raw.GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE, 'utf8');
  } catch (error) {
    throw new ConfigError(`invalid configuration: GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE cannot be read (${(error as Error).message})`);
  }
  let mqtt: DispatchConfig['mqtt'];
  if (raw.GRIDSIGHT_DISPATCH_MQTT_URL) {
    if (!/^(mqtts?|wss?):\/\//.test(raw.GRIDSIGHT_DISPATCH_MQTT_URL)) throw new ConfigError('invalid configuration: GRIDSIGHT_DISPATCH_MQTT_URL must start with mqtt://, mqtts://, ws:// or wss://');
    if (!raw.GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE) throw new ConfigError('invalid configuration: GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE is required when GRIDSIGHT_DISPATCH_MQTT_URL is set');
    let secret: string;
    try {
      secret = readFileSync(raw.GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`invalid configuration: GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE cannot be read (${(error as Error).message})`);
    }
    mqtt = { url: raw.GRIDSIGHT_DISPATCH_MQTT_URL, accountId: raw.GRIDSIGHT_DISPATCH_MQTT_ACCOUNT, secret };
  }
  return Object.freeze({
    databaseUrl: raw.GRIDSIGHT_DATABASE_URL,
    kafka: {
      brokers: raw.GRIDSIGHT_KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
      groupId: raw.GRIDSIGHT_DISPATCH_KAFKA_GROUP,
      incidentsTopic: raw.GRIDSIGHT_DISPATCH_INCIDENTS_TOPIC,
      ticketEventsTopic: raw.GRIDSIGHT_DISPATCH_TICKET_EVENTS_TOPIC,
      anomalyEventsTopic: raw.GRIDSIGHT_DISPATCH_ANOMALY_EVENTS_TOPIC,
      dlqTopic: raw.GRIDSIGHT_DISPATCH_DLQ_TOPIC,
    },
    incidentRetry: { maxAttempts: raw.GRIDSIGHT_DISPATCH_INCIDENT_MAX_ATTEMPTS, initialDelayMs: raw.GRIDSIGHT_DISPATCH_INCIDENT_RETRY_MS, maxDelayMs: 30_000 },
    http: { host: raw.GRIDSIGHT_DISPATCH_HTTP_HOST, port: raw.GRIDSIGHT_DISPATCH_HTTP_PORT, publicUrl: raw.GRIDSIGHT_DISPATCH_PUBLIC_URL.replace(/\/$/, '') },
    opsPort: raw.GRIDSIGHT_DISPATCH_OPS_PORT,
    tokens: { privateKeyPem, ttlSeconds: raw.GRIDSIGHT_TOKEN_TTL_S, revocationCacheMs: raw.GRIDSIGHT_DISPATCH_REVOCATION_CACHE_MS },
    sla: parseSlaTable(raw.GRIDSIGHT_DISPATCH_SLA),
    timeZone: raw.GRIDSIGHT_DISPATCH_TIME_ZONE,
    nearbyRadiusM: raw.GRIDSIGHT_DISPATCH_NEARBY_RADIUS_M,
    reopenGraceMs: raw.GRIDSIGHT_DISPATCH_REOPEN_GRACE_S * 1000,
    timerIntervalMs: raw.GRIDSIGHT_DISPATCH_TIMER_INTERVAL_MS,
    photoMaxBytes: raw.GRIDSIGHT_DISPATCH_PHOTO_MAX_BYTES,
    ...(mqtt ? { mqtt } : {}),
    logLevel: raw.GRIDSIGHT_LOG_LEVEL,
  });
}

export function parseSlaTable(json: string): SlaTable {
  if (json.trim() === '') return DEFAULT_SLA_TABLE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`invalid configuration: GRIDSIGHT_DISPATCH_SLA is not JSON (${(error as Error).message})`);
  }
  const errors = [...Value.Errors(SlaOverride, parsed)].map((e) => {
    const field = `GRIDSIGHT_DISPATCH_SLA${e.path.replace(/\//g, '.')}`;
    return e.path.endsWith('/priority') ? `${field} must be one of ${TICKET_PRIORITIES.join(', ')}` : `${field} ${e.message}`;
  });
  if (errors.length > 0) throw new ConfigError(`invalid configuration: ${[...new Set(errors)].join('; ')}`);
  const overrides = parsed as Partial<Record<AnomalyKind, Partial<SlaRule>>>;
  const table = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, Object.freeze({ ...DEFAULT_SLA_TABLE[kind], ...overrides[kind] })]));
  for (const [kind, rule] of Object.entries(table)) {
    if (rule.acceptWithinMinutes > rule.resolveWithinMinutes) {
      throw new ConfigError(`invalid configuration: GRIDSIGHT_DISPATCH_SLA.${kind}: acceptWithinMinutes exceeds resolveWithinMinutes`);
    }
  }
  return Object.freeze(table) as SlaTable;
}

export const AdminEnv = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.String({ minLength: 1, description: 'PostgreSQL URL of the Gridsight database' }),
});

/** What the admin CLI needs: only the database. */
export function loadAdminConfig(env: NodeJS.ProcessEnv): { databaseUrl: string } {
  return { databaseUrl: loadEnvConfig(AdminEnv, env).GRIDSIGHT_DATABASE_URL };
}
