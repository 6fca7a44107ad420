import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderMigrations, parseMigrationFile, type MigrationFile } from './migrationFile.js';
import type { SqlClient } from './sqlClient.js';

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'migrations');

// Any stable number: two migrators started at once queue on it instead of racing.
const MIGRATION_LOCK_KEY = 724_311_2026;
const LOCK_POLL_MS = 100;

export type TimescaleMode = 'auto' | 'off' | 'require';

export interface MigrateOptions {
  dir?: string;
  timescale?: TimescaleMode;
  onProgress?: (line: string) => void;
}

export interface MigrateResult {
  timescale: boolean;
  applied: string[];
  skipped: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql'));
  const files = await Promise.all(names.map(async (n) => parseMigrationFile(n, await readFile(join(dir, n), 'utf8'))));
  return orderMigrations(files);
}

/**
 * Brings a database to the latest schema. Idempotent: applied versions are recorded with their
 * checksum and skipped; a file edited after it was applied is an error, not a silent divergence.
 */
export async function migrate(db: SqlClient, options: MigrateOptions = {}): Promise<MigrateResult> {
  const progress = options.onProgress ?? (() => undefined);
  const migrations = await loadMigrations(options.dir);
  await acquireLock(db);
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const timescale = await enableTimescale(db, options.timescale ?? 'auto');
    progress(timescale ? 'timescaledb: enabled' : 'timescaledb: not available, plain PostgreSQL schema');
    const applied = new Map(
      (await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows.map((r) => [r.version, r.checksum]),
    );
    const result: MigrateResult = { timescale, applied: [], skipped: [], alreadyApplied: [] };
    for (const [index, migration] of migrations.entries()) {
      const step = `[${index + 1}/${migrations.length}] ${migration.name}`;
      const recorded = applied.get(migration.version);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new MigrationError(`${migration.name} was changed after it was applied; add a new migration instead of editing it`);
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      if (migration.requiresTimescale && !timescale) {
        progress(`${step}: skipped (needs timescaledb)`);
        result.skipped.push(migration.name);
        continue;
      }
      const started = Date.now();
      await apply(db, migration);
      progress(`${step}: applied in ${Date.now() - started} ms`);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

/**
 * Waits for the migration lock by polling. A session waiting inside pg_advisory_lock holds a
 * snapshot all that time, and CREATE INDEX CONCURRENTLY in the migrator holding the lock waits for
 * every older snapshot to end: the two would deadlock.
 */
async function acquireLock(db: SqlClient): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]?.locked) return;
    await sleep(LOCK_POLL_MS);
  }
}

async function enableTimescale(db: SqlClient, mode: TimescaleMode): Promise<boolean> {
  if (mode === 'off') return false;
  const available = (await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")).rows.length > 0;
  if (!available) {
    if (mode === 'require') throw new MigrationError('timescaledb is required (GRIDSIGHT_TIMESCALE=require) but the server does not offer the extension');
    return false;
  }
  await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
  return true;
}

async function apply(db: SqlClient, migration: MigrationFile): Promise<void> {
  const record = () =>
    db.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
  if (!migration.transactional) {
    for (const [i, statement] of migration.statements.entries()) await run(db, migration, i, db.singleSession ? withoutConcurrently(statement) : statement);
    await refuseInvalidIndexes(db, migration);
    await record();
    return;
  }
  await db.query('BEGIN');
  try {
    for (const [i, statement] of migration.statements.entries()) await run(db, migration, i, statement);
    await record();
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}

// Where no other session exists, a plain build blocks nobody and is the same index.
const withoutConcurrently = (statement: string): string => statement.replace(/\bINDEX\s+CONCURRENTLY\b/gi, 'INDEX');

/**
 * A CREATE INDEX CONCURRENTLY that fails part-way leaves an invalid index behind, which the next
 * run's IF NOT EXISTS would then take for done: a migration outside a transaction is recorded
 * only while no index is invalid.
 */
async function refuseInvalidIndexes(db: SqlClient, migration: MigrationFile): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE NOT i.indisvalid AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  if (rows.length === 0) return;
  const names = rows.map((r) => r.name).join(', ');
  throw new MigrationError(
    `${migration.name}: invalid index ${names} (a concurrent build that failed part-way); drop each with DROP INDEX CONCURRENTLY and run the migrations again`,
  );
}

async function run(db: SqlClient, migration: MigrationFile, index: number, statement: string): Promise<void> {
  try {
    await db.query(statement);
  } catch (error) {
    const firstLine = statement.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('--')) ?? '';
    throw new MigrationError(`${migration.name}, statement ${index + 1} (${firstLine.trim().slice(0, 80)}): ${(error as Error).message}`);
  }
}
