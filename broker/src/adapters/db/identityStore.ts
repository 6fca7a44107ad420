import pg from 'pg';
import type { Logger } from '@gridsight/service-kit';

export interface StoredIdentity {
  id: string;
  secretHash: string | null;
  state: 'active' | 'revoked';
}

export interface StoredGateway extends StoredIdentity {
  certFingerprint: string | null;
}

export interface AccessTokenRef {
  jti: string;
  workerId: string;
  role: string;
}

export interface IdentityStore {
  findGateway(gatewayId: string): Promise<StoredGateway | undefined>;
  findGatewayByCertFingerprint(fingerprint: string): Promise<StoredGateway | undefined>;
  findServiceAccount(accountId: string): Promise<StoredIdentity | undefined>;
  /**
   * Whether dispatch-service still honours the access token `jti` it issued to `workerId` in
   * `role`: not revoked, and the person still active in that role (access_tokens, migration 0033).
   */
  isAccessTokenLive(jti: string, workerId: string, role: string): Promise<boolean>;
  /** Of these tokens, the `jti`s that isAccessTokenLive would refuse now; one query for all. */
  deadAccessTokens(tokens: readonly AccessTokenRef[]): Promise<Set<string>>;
  /** Calls back with `gateway:<id>` or `service:<id>` whenever a credential changes; re-listens after a lost connection. */
  onChange(listener: (identity: string) => void): void;
  /** True while the LISTEN connection is up: without it, revocations wait for the cache to expire. */
  listening(): boolean;
  close(): Promise<void>;
}

const CHANGE_CHANNEL = 'mqtt_identity_changed';
const RELISTEN_DELAY_MS = 2000;

export function createIdentityStore(databaseUrl: string, logger: Logger): IdentityStore {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  const listeners: Array<(identity: string) => void> = [];
  let listener: pg.Client | undefined;
  let closed = false;
  let relistenTimer: NodeJS.Timeout | undefined;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    const retry = (error: unknown): void => {
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      if (closed) return;
      logger.warn({ err: error }, 'lost the credential-change feed; cached credentials are trusted only until they expire');
      // Everything cached may have changed while nobody listened.
      for (const notify of listeners) notify('*');
      relistenTimer = setTimeout(() => void listen(), RELISTEN_DELAY_MS);
    };
    client.on('error', retry);
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) for (const notify of listeners) notify(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      listener = client;
    } catch (error) {
      retry(error);
    }
  };
  const listening = listen();

  const one = async <T>(sql: string, params: unknown[]): Promise<T | undefined> => (await pool.query(sql, params)).rows[0] as T | undefined;
  const gatewayColumns = 'gateway_id AS id, secret_hash AS "secretHash", state, cert_fingerprint AS "certFingerprint"';

  return {
    findGateway: (gatewayId) => one<StoredGateway>(`SELECT ${gatewayColumns} FROM gateways WHERE gateway_id = $1`, [gatewayId]),
    findGatewayByCertFingerprint: (fingerprint) => one<StoredGateway>(`SELECT ${gatewayColumns} FROM gateways WHERE cert_fingerprint = $1`, [fingerprint]),
    findServiceAccount: (accountId) =>
      one<StoredIdentity>('SELECT account_id AS id, secret_hash AS "secretHash", state FROM service_accounts WHERE account_id = $1', [accountId]),
    isAccessTokenLive: async (jti, workerId, role) =>
      (await one<{ live: boolean }>(
        `SELECT t.revoked_at IS NULL AND w.active AND w.role = t.role AS live
           FROM access_tokens t JOIN workers w USING (worker_id)
          WHERE t.jti = $1 AND t.worker_id = $2 AND t.role = $3`,
        [jti, workerId, role],
      ))?.live === true,
    deadAccessTokens: async (tokens) => {
      if (tokens.length === 0) return new Set();
      const { rows } = await pool.query<{ jti: string }>(
        // Every jti here passed isAccessTokenLive, so it is a uuid: compared as one, the primary key serves.
        `SELECT s.jti::text AS jti
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS s (jti, worker_id, role)
           LEFT JOIN access_tokens t ON t.jti = s.jti AND t.worker_id = s.worker_id AND t.role = s.role
           LEFT JOIN workers w ON w.worker_id = t.worker_id
          WHERE NOT coalesce(t.revoked_at IS NULL AND w.active AND w.role = t.role, false)`,
        [tokens.map((t) => t.jti), tokens.map((t) => t.workerId), tokens.map((t) => t.role)],
      );
      return new Set(rows.map((row) => row.jti));
    },
    onChange: (notify) => {
      listeners.push(notify);
    },
    listening: () => listener !== undefined,
    close: async () => {
      closed = true;
      clearTimeout(relistenTimer);
      await listening;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
