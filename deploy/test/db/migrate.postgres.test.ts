import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, copyFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

describe('migrations on the real PostgreSQL server (no timescaledb)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let client: pg.Client;

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: false });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterEach(async () => {
    await client?.end();
    await database?.drop();
  });

  it('applies the core schema and skips the TimescaleDB-only migration, then applies nothing on a second run', async () => {
    const all = await loadMigrations();
    const plain = all.filter((m) => !m.requiresTimescale).map((m) => m.name);
    const first = await migrate(client);
    assert.equal(first.timescale, false);
    assert.ok(plain.includes('0001_core_schema.sql'));
    assert.deepEqual(first.applied, plain);
    assert.deepEqual(first.skipped, ['0002_timescale.sql']);
    const second = await migrate(client);
    assert.deepEqual(second.applied, []);
    assert.deepEqual(second.alreadyApplied, plain);
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    for (const table of ['cameras', 'detections', 'gateways', 'grid_cells', 'incidents', 'outbox', 'sensor_readings', 'snapshots', 'ticket_events', 'tickets', 'workers']) {
      assert.ok(tables.rows.some((r) => r.table_name === table), `${table} exists`);
    }
  });

  it('lets two migrators race without harm: the advisory lock makes the second see the first one’s work', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      const [a, b] = await Promise.all([migrate(client), migrate(other)]);
      const plain = (await loadMigrations()).filter((m) => !m.requiresTimescale).map((m) => m.name);
      assert.ok(a.applied.length === 0 || b.applied.length === 0, 'one migrator did all the work');
      assert.deepEqual([...a.applied, ...b.applied], plain);
    } finally {
      await other.end();
    }
  });

  it('migrates several databases of one server at once (roles are shared between them)', async () => {
    const others = await Promise.all([1, 2, 3].map(() => createTestDatabase({ migrated: false })));
    try {
      await Promise.all(
        others.map(async (other) => {
          const client = new pg.Client({ connectionString: other.url });
          await client.connect();
          try {
            await migrate(client);
          } finally {
            await client.end();
          }
        }),
      );
    } finally {
      await Promise.all(others.map((other) => other.drop()));
    }
  });

  it('refuses to run when an applied migration file was edited afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-migrations-'));
    for (const name of await readdir(MIGRATIONS_DIR)) await copyFile(join(MIGRATIONS_DIR, name), join(dir, name));
    await migrate(client, { dir });
    const core = join(dir, '0001_core_schema.sql');
    await writeFile(core, `${await readFile(core, 'utf8')}\n-- an innocent-looking edit\n`);
    await assert.rejects(migrate(client, { dir }), /0001_core_schema\.sql was changed after it was applied/);
  });

  it('rolls a failing migration back whole and names the file and statement', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-migrations-'));
    await writeFile(join(dir, '0001_ok.sql'), 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);');
    await writeFile(join(dir, '0002_broken.sql'), 'CREATE TABLE c (id int);\nCREATE TABLE c (id int);');
    await assert.rejects(migrate(client, { dir }), /0002_broken\.sql, statement 2 \(CREATE TABLE c \(id int\)\): relation "c" already exists/);
    const tables = await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('a', 'b', 'c')");
    assert.equal(Number(tables.rows[0]?.n), 2, 'tables of 0001 stay, 0002 left nothing behind');
  });

  it('builds an index of a `transaction: none` migration CONCURRENTLY: writers go on while it waits for an open transaction', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-migrations-'));
    await writeFile(join(dir, '0001_table.sql'), 'CREATE TABLE t (id int, v text);');
    await migrate(client, { dir });
    const [open, writer] = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })];
    await Promise.all([open.connect(), writer.connect()]);
    try {
      await open.query("BEGIN; INSERT INTO t VALUES (1, 'a')");
      await writeFile(join(dir, '0002_index.sql'), '-- transaction: none\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v);');
      const migrating = migrate(client, { dir });
      const waiting = async () =>
        (await writer.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'")).rows.length > 0;
      for (const started = Date.now(); !(await waiting()); ) {
        assert.ok(Date.now() - started < 20_000, 'the index build waits for the open transaction');
        await new Promise((r) => setTimeout(r, 50));
      }
      // A plain CREATE INDEX would hold a SHARE lock from here on, and this insert would queue behind it.
      await writer.query("SET statement_timeout = '10s'; INSERT INTO t VALUES (2, 'b')");
      await open.query('COMMIT');
      assert.deepEqual((await migrating).applied, ['0002_index.sql']);
      const index = await client.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 't_v'::regclass");
      assert.equal(index.rows[0]?.valid, true);
    } finally {
      await Promise.all([open.end(), writer.end()]);
    }
  });

  it('records no `transaction: none` migration while a failed concurrent build has left an invalid index', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gs-migrations-'));
    await writeFile(join(dir, '0001_table.sql'), "CREATE TABLE u (v text);\nINSERT INTO u VALUES ('x'), ('x');");
    await writeFile(join(dir, '0002_unique.sql'), '-- transaction: none\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u_v ON u (v);');
    await assert.rejects(migrate(client, { dir }), /0002_unique\.sql, statement 1 .*could not create unique index "u_v"/);
    await assert.rejects(migrate(client, { dir }), /0002_unique\.sql: invalid index u_v/);
    await client.query('DROP INDEX CONCURRENTLY u_v');
    await client.query('DELETE FROM u WHERE ctid = (SELECT max(ctid) FROM u)');
    assert.deepEqual((await migrate(client, { dir })).applied, ['0002_unique.sql']);
  });

  it('keeps the ticket audit trail append-only and allows one ticket per incident', async () => {
    await migrate(client);
    await client.query(`INSERT INTO incidents (incident_id, kind, status, lat, lon, geo_cell, first_seen_at, last_seen_at, sightings, raised_by, sources, max_confidence)
      VALUES ('11111111-1111-4111-8111-111111111111', 'garbage_pile', 'open', 31.23, 121.47, 'wtw3sj', now(), now(), 1, '{}', '[]', 0.9)`);
    const ticket = (id: string) =>
      client.query(`INSERT INTO tickets (ticket_id, incident_id, kind, priority, status, lat, lon, due_by)
        VALUES ('${id}', '11111111-1111-4111-8111-111111111111', 'garbage_pile', 'P3', 'new', 31.23, 121.47, now() + interval '1 day')`);
    await ticket('22222222-2222-4222-8222-222222222222');
    await assert.rejects(ticket('33333333-3333-4333-8333-333333333333'), /tickets_incident_id_key/);
    await client.query(`INSERT INTO ticket_events (ticket_id, seq, event_id, transition, to_status, actor_type)
      VALUES ('22222222-2222-4222-8222-222222222222', 1, '01936b2e-7c4a-7def-8123-000000000001', 'created', 'new', 'system')`);
    await assert.rejects(client.query("UPDATE ticket_events SET note = 'rewritten'"), /ticket_events is append-only: UPDATE refused/);
    await assert.rejects(client.query('DELETE FROM ticket_events'), /ticket_events is append-only: DELETE refused/);
  });

  it('offers the same detections_hourly columns as the TimescaleDB continuous aggregate', async () => {
    await migrate(client);
    await client.query(`INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, lat, lon, accuracy_m, geo_cell)
      VALUES (gen_random_uuid(), '2026-11-28T09:10:00Z', 'detected', 'garbage_pile', 'camera', 'gw-1', 'cam-1', 0.7, 31.23, 121.47, 3, 'wtw3sj'),
             (gen_random_uuid(), '2026-11-28T09:50:00Z', 'updated', 'garbage_pile', 'camera', 'gw-1', 'cam-1', 0.8, 31.23, 121.47, 3, 'wtw3sj')`);
    const rows = await client.query('SELECT bucket, kind, source_type, geo_cell, cell_id, detections, max_confidence FROM detections_hourly');
    assert.equal(rows.rows.length, 1);
    assert.equal(Number(rows.rows[0].detections), 2);
  });
});
