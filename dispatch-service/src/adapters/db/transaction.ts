import type pg from 'pg';
import { DispatchError } from '../../errors.js';

const RETRIABLE_SQLSTATES = new Set(['40001', '40P01', '57P01', '08006', '08003', '08001']);

/** Runs `work` in one transaction; a failure rolls everything back, and database faults come out as typed errors. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new DispatchError('DSP_UNAVAILABLE', `the database is unreachable: ${(error as Error).message}`, { cause: error });
  }
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDispatchError(error);
  } finally {
    client.release();
  }
}

export function asDispatchError(error: unknown): unknown {
  if (error instanceof DispatchError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && RETRIABLE_SQLSTATES.has(code)) {
    return new DispatchError('DSP_UNAVAILABLE', `database busy or restarting (${code}): ${(error as Error).message}`, { cause: error });
  }
  return error;
}
