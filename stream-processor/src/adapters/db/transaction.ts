import pRetry, { AbortError } from 'p-retry';
import type { Pool, PoolClient } from 'pg';
import { ProcessorError } from '../../errors.js';

// SQLSTATE classes where the same transaction may well succeed when run again. A unique violation
// (23505) is one here: only the detections COPY can raise it, when another transaction stored the
// same eventId under other locks at the same moment, and the retry's lookup then skips that event.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300', '23505']);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return error instanceof Error && /connection|ECONNREFUSED|ECONNRESET|terminat/i.test(error.message);
  return TRANSIENT_SQLSTATES.has(code) || code.startsWith('08');
}

/** Runs `work` in one transaction; deadlocks, serialisation failures and lost connections run it again, with backoff and a limit. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, retries = 5): Promise<T> {
  return pRetry(
    async () => {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (isTransient(error)) throw new ProcessorError('SP_DB_TRANSIENT', (error as Error).message, { cause: error });
        throw new AbortError(new ProcessorError('SP_DB_FAILED', (error as Error).message, { cause: error }));
      } finally {
        client.release(broken);
      }
    },
    { retries, minTimeout: 50, maxTimeout: 2_000, randomize: true },
  );
}
