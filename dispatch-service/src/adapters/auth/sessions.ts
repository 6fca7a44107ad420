import type pg from 'pg';
import type { AccessTokenClaims } from '@gridsight/contracts';
import { DispatchError } from '../../errors.js';
import type { IssuedToken } from './tokens.js';

export interface SessionStore {
  /** Keeps the row that makes an issued token acceptable (and purges rows of long-expired tokens). */
  record(workerId: string, role: AccessTokenClaims['role'], issued: IssuedToken): Promise<void>;
  /** Throws DSP_TOKEN_REVOKED unless the token is recorded, not revoked, and its person active in the same role. */
  check(claims: AccessTokenClaims): Promise<void>;
  /** Sign-out: this one token. */
  revokeToken(jti: string, by: string): Promise<void>;
  /** Admin revoke: every live token of a person; returns how many. */
  revokePerson(workerId: string, by: string): Promise<number>;
}

const PURGE_AFTER = '1 day';

/**
 * Revocation over the access_tokens table. A token that passed the check is trusted for
 * `cacheMs` by this instance (0: ask the database on every request): a revocation here takes
 * effect at once, one made through another instance within `cacheMs`.
 */
export function createSessionStore(options: { pool: pg.Pool; cacheMs: number; clock?: () => Date }): SessionStore {
  const { pool, cacheMs } = options;
  const clock = options.clock ?? (() => new Date());
  const checkedUntil = new Map<string, number>();
  const CACHE_SIZE = 10_000;
  // A check that read its row before a revocation here committed must not cache what it read.
  let revocations = 0;

  return {
    async record(workerId, role, issued) {
      await pool.query(
        `WITH purge AS (DELETE FROM access_tokens WHERE expires_at < $6::timestamptz - interval '${PURGE_AFTER}')
         INSERT INTO access_tokens (jti, worker_id, role, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [issued.jti, workerId, role, issued.issuedAt, issued.expiresAt, clock()],
      );
    },
    async check(claims) {
      const jti = claims.jti;
      if (jti === undefined) throw new DispatchError('DSP_TOKEN_REVOKED', 'the access token has no id (jti), so it cannot be revoked; sign in again');
      const now = clock().getTime();
      const until = checkedUntil.get(jti);
      if (until !== undefined && until > now) return;
      const revocationsBefore = revocations;
      const { rows } = await pool.query<{ revoked: boolean; active: boolean; role: string }>({
        name: 'dispatch-check-access-token',
        text: `SELECT t.revoked_at IS NOT NULL AS revoked, w.active, w.role
                 FROM access_tokens t JOIN workers w USING (worker_id)
                WHERE t.jti = $1 AND t.worker_id = $2`,
        values: [jti, claims.sub],
      });
      const row = rows[0];
      if (!row || row.revoked) {
        checkedUntil.delete(jti);
        throw new DispatchError('DSP_TOKEN_REVOKED', 'the access token was revoked (signed out, or revoked by an administrator); sign in again');
      }
      if (!row.active) throw new DispatchError('DSP_TOKEN_REVOKED', 'the account behind this token is disabled');
      if (row.role !== claims.role) throw new DispatchError('DSP_TOKEN_REVOKED', `the account is now ${row.role}, not ${claims.role}; sign in again`);
      if (cacheMs > 0 && revocations === revocationsBefore) {
        if (checkedUntil.size >= CACHE_SIZE) checkedUntil.delete(checkedUntil.keys().next().value!);
        checkedUntil.set(jti, now + cacheMs);
      }
    },
    async revokeToken(jti, by) {
      await pool.query('UPDATE access_tokens SET revoked_at = $2, revoked_by = $3 WHERE jti = $1 AND revoked_at IS NULL', [jti, clock(), by]);
      revocations++;
      checkedUntil.delete(jti);
    },
    async revokePerson(workerId, by) {
      const { rows } = await pool.query<{ jti: string }>(
        'UPDATE access_tokens SET revoked_at = $2, revoked_by = $3 WHERE worker_id = $1 AND revoked_at IS NULL RETURNING jti',
        [workerId, clock(), by],
      );
      revocations++;
      for (const { jti } of rows) checkedUntil.delete(jti);
      return rows.length;
    },
  };
}
