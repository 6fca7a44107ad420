import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, hashSecret, newSecret } from '@gridsight/service-kit';
import { createTestDatabase, testRedisUrl, testServices, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { startBroker, type RunningBroker } from '../../src/broker.js';
import { loadBrokerConfig, type BrokerConfig } from '../../src/config.js';

// Cheap scrypt for tests: the hash format carries its parameters, so the broker checks it as is.
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface Credentials {
  id: string;
  password: string;
}

export interface TestBroker {
  broker: RunningBroker;
  config: BrokerConfig;
  keys: { publicKey: CryptoKey; privateKey: CryptoKey };
  db: TestDatabase;
  kafkaBrokers: string[];
  tcpPort: number;
  wsPort: number;
  provisionGateway(options?: { certFingerprint?: string }): Promise<Credentials>;
  provisionService(): Promise<Credentials>;
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** An ES256 access token as dispatch-service issues it, with its access_tokens row unless `record` is false. */
  token(sub: string, role: 'worker' | 'supervisor' | 'ops', expiresInSeconds?: number, record?: boolean): Promise<string>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  env?: Record<string, string>;
  kafkaBrokers?: string[];
  tls?: BrokerConfig['tls'];
  /** A second instance: the first one's database and token key; the first one drops the database. */
  sameClusterAs?: TestBroker;
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const kafkaBrokers = options.kafkaBrokers ?? testServices().kafkaBrokers;
  const first = options.sameClusterAs;
  const db = first ? first.db : await createTestDatabase();
  const { publicKey, privateKey } = first ? first.keys : await generateKeyPair('ES256', { extractable: true });
  const keyDir = mkdtempSync(join(tmpdir(), 'broker-test-'));
  const publicKeyFile = join(keyDir, 'token-public.pem');
  writeFileSync(publicKeyFile, await exportSPKI(publicKey));
  const baseConfig = loadBrokerConfig({
    GRIDSIGHT_BROKER_HOST: '127.0.0.1',
    GRIDSIGHT_MQTT_PORT: '0',
    GRIDSIGHT_MQTTS_PORT: '0',
    GRIDSIGHT_MQTT_WS_PORT: '0',
    GRIDSIGHT_BROKER_OPS_PORT: '0',
    GRIDSIGHT_KAFKA_BROKERS: kafkaBrokers.join(','),
    GRIDSIGHT_DATABASE_URL: db.url,
    GRIDSIGHT_REDIS_URL: testRedisUrl(),
    GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: publicKeyFile,
    GRIDSIGHT_LOG_LEVEL: (process.env.GRIDSIGHT_TEST_LOG_LEVEL as string | undefined) ?? 'silent',
    ...options.env,
  });
  let config: BrokerConfig = { ...baseConfig, tls: options.tls ?? baseConfig.tls };
  const logger = createLogger('broker', config.logLevel);
  let broker = await startBroker(config, logger);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });

  const handle: TestBroker = {
    broker,
    config,
    keys: { publicKey, privateKey },
    db,
    kafkaBrokers,
    tcpPort: broker.ports.tcp as number,
    wsPort: broker.ports.ws as number,
    provisionGateway: async (provision = {}) => {
      const id = uniqueName('gw').replace(/_/g, '-');
      const password = newSecret();
      await pool.query('INSERT INTO gateways (gateway_id, secret_hash, cert_fingerprint) VALUES ($1, $2, $3)', [id, await hashSecret(password, TEST_SCRYPT), provision.certFingerprint ?? null]);
      return { id, password };
    },
    provisionService: async () => {
      const id = uniqueName('svc').replace(/_/g, '-');
      const password = newSecret();
      await pool.query('INSERT INTO service_accounts (account_id, secret_hash) VALUES ($1, $2)', [id, await hashSecret(password, TEST_SCRYPT)]);
      return { id, password };
    },
    sql: (text, params) => pool.query(text, params),
    token: async (sub, role, expiresInSeconds = 3600, record = true) => {
      const jti = randomUUID();
      const expiresAt = Math.floor(Date.now() / 1000) + expiresInSeconds;
      if (record) {
        // What dispatch-service writes when it issues a token: the person, and the token's row.
        await pool.query(`INSERT INTO workers (worker_id, display_name, role) VALUES ($1, $1, $2) ON CONFLICT (worker_id) DO NOTHING`, [sub, role]);
        await pool.query('INSERT INTO access_tokens (jti, worker_id, role, issued_at, expires_at) VALUES ($1, $2, $3, now(), to_timestamp($4))', [jti, sub, role, expiresAt]);
      }
      return new SignJWT({ role, jti })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(sub)
        .setIssuer('gridsight-dispatch')
        .setAudience('gridsight')
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(privateKey);
    },
    restart: async () => {
      await broker.close();
      // Same ports, so that clients reconnect to where they were.
      config = { ...config, mqttPort: handle.tcpPort, wsPort: handle.wsPort };
      broker = await startBroker(config, logger);
      handle.broker = broker;
    },
    close: async () => {
      await broker.close();
      await pool.end();
      if (!first) await db.drop();
    },
  };
  return handle;
}
