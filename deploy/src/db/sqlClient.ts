/** The little a migration needs from a database connection; pg and PGlite both fit behind it. */
export interface SqlClient {
  /**
   * True for a database no other session can reach (PGlite, PostgreSQL's single-user mode): there
   * is nothing to block, and CREATE INDEX CONCURRENTLY, which waits for other sessions, fails there.
   */
  readonly singleSession?: boolean;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}
