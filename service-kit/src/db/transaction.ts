import pRetry, { AbortError } from 'p-retry';
import type { Pool, PoolClient } from 'pg';
import { CodedError } from '@gridsight/contracts';

/** Failures of the database itself, apart from what the transaction's own statements refused. */
export const DATABASE_ERRORS = {
  DB_UNAVAILABLE: {
    message: 'the database is unreachable or kept refusing for now (deadlock, serialisation failure, restart, lost connection); nothing was committed',
    retriable: true,
  },
  DB_COMMIT_UNKNOWN: {
    message: 'the connection broke while COMMIT was in flight: the transaction may or may not have committed; run it again only if it is idempotent',
    retriable: false,
  },
} as const;
export type DatabaseErrorCode = keyof typeof DATABASE_ERRORS;

export class DatabaseError extends CodedError<DatabaseErrorCode> {
  override readonly name = 'DatabaseError';

  constructor(code: DatabaseErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${DATABASE_ERRORS[code].message}: ${detail}`, { retriable: DATABASE_ERRORS[code].retriable, cause: options?.cause });
  }
}

// SQLSTATEs after which the same transaction may well succeed when run again: serialisation
// failure, deadlock, admin/crash shutdown, cannot connect now, too many connections; class 08 is
// connection exceptions.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
// Five characters, at least one a digit: five-letter system codes such as EPIPE are not SQLSTATEs.
const SQLSTATE = /^(?=.*\d)[0-9A-Z]{5}$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** True for a failure that says nothing about the transaction's statements: trying again may work. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof DatabaseError) return error.retriable;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && SQLSTATE.test(code)) return TRANSIENT_SQLSTATES.has(code) || code.startsWith('08');
  // pg reports a dropped socket with the socket's error code, or with none at all.
  if (typeof code === 'string' && SOCKET_ERRORS.has(code)) return true;
  return error instanceof Error && /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection timeout|terminating connection|Client has encountered a connection error/i.test(error.message);
}

export interface TransactionOptions {
  /** Further attempts after a transient failure; 0 runs `work` once. */
  retries?: number;
  /** SQLSTATEs that this caller's work knows to be worth running again, besides the transient ones (e.g. a unique violation that a concurrent writer can cause and the next attempt's lookup avoids). */
  retrySqlStates?: readonly string[];
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
}

/**
 * Runs `work` in one transaction on a pooled client. A transient failure (deadlock, serialisation
 * failure, restart, lost connection) rolls back and runs `work` again, with jittered backoff, up to
 * `retries` times, then throws DB_UNAVAILABLE; so `work` must do nothing outside the transaction
 * that cannot be repeated. Anything else `work` throws (a constraint violation, a domain error)
 * comes out unchanged, after the rollback. A connection lost during COMMIT is not retried: the
 * outcome is unknown (DB_COMMIT_UNKNOWN).
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { retries = 5, minTimeoutMs = 50, maxTimeoutMs = 2_000, retrySqlStates = [] } = options;
  const worthRetrying = (error: unknown) => isTransientDatabaseError(error) || retrySqlStates.includes((error as { code?: unknown } | null)?.code as string);
  return pRetry(
    async () => {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new DatabaseError('DB_UNAVAILABLE', (error as Error).message, { cause: error });
      }
      let broken = false;
      let committing = false;
      // pg-pool listens for errors only on idle clients: a checked-out client whose backend dies
      // emits 'error' (besides failing the query), which would crash the process unheard.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        committing = true;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (!worthRetrying(error)) throw new AbortError(error as Error);
        // A serialisation failure or deadlock reported for COMMIT is a definite rollback; a broken connection is not.
        const definite = typeof (error as { code?: unknown }).code === 'string' && /^(40001|40P01)$/.test((error as { code: string }).code);
        if (committing && !definite) throw new AbortError(new DatabaseError('DB_COMMIT_UNKNOWN', (error as Error).message, { cause: error }));
        throw error instanceof DatabaseError ? error : new DatabaseError('DB_UNAVAILABLE', (error as Error).message, { cause: error });
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    { retries, minTimeout: minTimeoutMs, maxTimeout: maxTimeoutMs, randomize: true },
  );
}
