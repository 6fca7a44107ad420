import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import { verifyPassword } from '@gridsight/service-kit';
import { apiKeyDigest } from '../../src/adapters/db/open311Queries.js';
import { parseShift } from '../../src/cli/parseShift.js';
import { square } from '../core/fixtures.js';

const ADMIN = fileURLToPath(new URL('../../dist/cli/admin.js', import.meta.url));

function admin(db: TestDatabase, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [ADMIN, ...args], { env: { ...process.env, GRIDSIGHT_DATABASE_URL: db.url } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

describe('admin CLI (real PostgreSQL)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db?.drop());

  it('reads shifts as day@HH:MM-HH:MM, night shifts included, and refuses nonsense', () => {
    assert.deepEqual(parseShift('mon@08:00-17:00'), { weekday: 1, startMinute: 480, endMinute: 1020 });
    assert.deepEqual(parseShift('Sun@22:00-06:00'), { weekday: 7, startMinute: 1320, endMinute: 360 });
    assert.throws(() => parseShift('monday 8-5'), /is not <day>@<HH:MM>-<HH:MM>/);
  });

  it('imports cells from GeoJSON, creates a supervisor and a worker with a hashed password, and sets shifts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-cells-'));
    const file = join(dir, 'cells.geojson');
    const feature = (cellId: string, lon: number) => ({ type: 'Feature', geometry: square(lon, 31.23), properties: { cellId, district: 'Huangpu', name: `Cell ${cellId}` } });
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [feature('hp-01', 121.47), feature('hp-02', 121.48)] }));

    assert.deepEqual(await admin(db, ['person', 's-9', '--role', 'supervisor', '--name', 'Sup']), { code: 0, stdout: 'saved supervisor s-9\n', stderr: '' });
    assert.equal((await admin(db, ['cells', 'import', file])).stdout, 'imported 2 cells\n');
    const worker = await admin(db, ['person', 'w-9', '--role', 'worker', '--name', 'Wang Wu', '--cell', 'hp-01', '--password-stdin'], 'a long enough password\n');
    assert.equal(worker.stdout, 'saved worker w-9 with a password\n', worker.stderr);
    assert.equal((await admin(db, ['shifts', 'w-9', 'mon@08:00-17:00', 'sun@22:00-06:00'])).stdout, 'saved 2 shifts for w-9\n');

    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const { rows } = await pool.query("SELECT password_hash, home_cell_id FROM workers WHERE worker_id = 'w-9'");
      assert.equal(rows[0].home_cell_id, 'hp-01');
      assert.match(rows[0].password_hash, /^scrypt\$131072\$8\$1\$/);
      assert.ok(await verifyPassword('a long enough password', rows[0].password_hash));
      assert.equal((await pool.query("SELECT count(*)::int AS n FROM worker_shifts WHERE worker_id = 'w-9'")).rows[0].n, 2);
      assert.equal((await pool.query("SELECT max_lat FROM grid_cells WHERE cell_id = 'hp-02'")).rows[0].max_lat.toFixed(2), '31.24');
    } finally {
      await pool.end();
    }
  });

  it('creates an Open311 client key, shown once and stored only as a digest', async () => {
    const result = await admin(db, ['open311-client', 'city-app']);
    const key = /: ([A-Za-z0-9_-]{43})$/m.exec(result.stdout)?.[1];
    assert.ok(key, result.stdout + result.stderr);
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      const { rows } = await pool.query("SELECT key_sha256 FROM open311_clients WHERE client_id = 'city-app'");
      assert.equal(rows[0].key_sha256, apiKeyDigest(key));
    } finally {
      await pool.end();
    }
  });

  it('explains what is wrong with a bad file or command, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-cells-'));
    const file = join(dir, 'bad.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }] }));
    const bad = await admin(db, ['cells', 'import', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a cell FeatureCollection: \/features\/0/);
    const role = await admin(db, ['person', 'x', '--role', 'admin', '--name', 'X']);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role must be one of worker, supervisor, ops/);
  });
});
