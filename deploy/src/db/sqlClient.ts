/** The little a migration needs from a database connection; pg and PGlite both fit behind it. */
export interface SqlClient {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}
