import assert from 'node:assert/strict';
import { loadMigrations } from '../../src/db/migrate.js';

// 0034 built its indexes inside a transaction, blocking writes to tickets while they built; it has
// been applied and stays as it is. From here on an index on an existing table is built CONCURRENTLY.
const LAST_BLOCKING_INDEX_MIGRATION = 34;
const CREATE_INDEX = /CREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+ON\s+(?:ONLY\s+)?(\w+)/gi;
const CREATE_TABLE = /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/gi;

describe('migration files', () => {
  it('build every new index on an existing table CONCURRENTLY, in a migration outside a transaction', async () => {
    const offending: string[] = [];
    for (const migration of await loadMigrations()) {
      if (migration.version <= LAST_BLOCKING_INDEX_MIGRATION || migration.requiresTimescale) continue;
      const sql = migration.statements.join('\n');
      const created = new Set([...sql.matchAll(CREATE_TABLE)].map((m) => m[1]!.toLowerCase()));
      for (const [statement, concurrently, table] of sql.matchAll(CREATE_INDEX)) {
        if (created.has(table!.toLowerCase())) continue;
        if (!concurrently || migration.transactional) offending.push(`${migration.name}: ${statement}`);
      }
    }
    assert.deepEqual(offending, []);
  });
});
