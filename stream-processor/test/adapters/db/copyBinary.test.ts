import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyBinaryWriter } from '../../../src/adapters/db/copyBinary.js';

describe('binary COPY writer against real PostgreSQL', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let client: pg.Client;

  before(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE TABLE sample (id uuid, at timestamptz, label text, r real, d double precision, box real[])');
  });
  after(async () => {
    await client?.end();
    await database?.drop();
  });

  it('writes rows that PostgreSQL reads back as the same values, NULLs included', async () => {
    const copy = new CopyBinaryWriter(16);
    copy.row(6).uuid('0192F3A4-1B2C-7D3E-8F40-123456789ABC').timestamptz('2026-11-28T06:05:00.123456Z').text('Straße 北 🚧').float4(0.75).float8(52.450123456789).float4Array([0.2, 0.3, 0.15, 0.1]);
    copy.row(6).uuid(undefined).timestamptz('1999-12-31T23:59:59.5+01:00').text(null).float4(null).float8(-13.3).float4Array([]);
    copy.row(6).uuid('0192f3a41b2c7d3e8f40123456789abd').timestamptz('2026-11-28T06:05:00Z').text('').float4(0).float8(0).float4Array(null);
    await pipeline(Readable.from([copy.finish()]), client.query(copyFrom('COPY sample FROM STDIN (FORMAT binary)')));

    const { rows } = await client.query<{ id: string | null; at: string; label: string | null; r: number | null; d: number; box: number[] | null }>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, label, r, d, box FROM sample ORDER BY d DESC`,
    );
    assert.deepEqual(rows, [
      { id: '0192f3a4-1b2c-7d3e-8f40-123456789abc', at: '2026-11-28T06:05:00.123456', label: 'Straße 北 🚧', r: 0.75, d: 52.450123456789, box: [0.2, 0.3, 0.15, 0.1] },
      { id: '0192f3a4-1b2c-7d3e-8f40-123456789abd', at: '2026-11-28T06:05:00.000000', label: '', r: 0, d: 0, box: null },
      { id: null, at: '1999-12-31T22:59:59.500000', label: null, r: null, d: -13.3, box: [] },
    ]);
  });

  it('rounds digits past the microsecond as PostgreSQL does when it parses the same time from text', async () => {
    const times = ['2026-11-28T06:05:00.1234564Z', '2026-11-28T06:05:00.1234567Z', '2026-11-28T06:05:00.999999912Z', '2026-11-28T06:05:00.0000006+08:00'];
    await client.query('CREATE TABLE rounding (n text, at timestamptz)');
    const copy = new CopyBinaryWriter();
    for (const [n, at] of times.entries()) copy.row(2).text(String(n)).timestamptz(at);
    await pipeline(Readable.from([copy.finish()]), client.query(copyFrom('COPY rounding FROM STDIN (FORMAT binary)')));
    const { rows } = await client.query<{ same: boolean }>('SELECT r.at = t.at::timestamptz AS same FROM rounding r JOIN unnest($1::text[]) WITH ORDINALITY AS t(at, n) ON (t.n - 1)::text = r.n ORDER BY r.n', [times]);
    assert.deepEqual(rows.map((r) => r.same), [true, true, true, true]);
  });

  it('refuses a value that is not a UUID or not a time instead of writing garbage', () => {
    assert.throws(() => new CopyBinaryWriter().uuid('0192f3a4-1b2c-7d3e-8f40-12345678zzzz'), /not a UUID/);
    assert.throws(() => new CopyBinaryWriter().timestamptz('yesterday'), /not a time/);
  });

  it('writes text the same whether it is short ASCII, has a non-ASCII character late, or is long', async () => {
    const labels = ['gw-12', 'a'.repeat(63) + 'é', 'b'.repeat(64), 'c'.repeat(65), `${'d'.repeat(40)}€${'e'.repeat(500)}`, 'x'.repeat(5_000)];
    await client.query('CREATE TABLE labels (n real, label text)');
    // A small first guess, so the later labels also exercise growing the buffer mid-text.
    const copy = new CopyBinaryWriter(16);
    for (const [n, label] of labels.entries()) copy.row(2).float4(n).text(label);
    await pipeline(Readable.from([copy.finish()]), client.query(copyFrom('COPY labels FROM STDIN (FORMAT binary)')));
    const { rows } = await client.query<{ label: string }>('SELECT label FROM labels ORDER BY n');
    assert.deepEqual(rows.map((r) => r.label), labels);
  });

  it('grows past its first guess of the size', async () => {
    const copy = new CopyBinaryWriter(16);
    for (let i = 0; i < 2_000; i++) copy.row(6).uuid(undefined).timestamptz('2026-11-28T06:05:00Z').text(`row ${i}`).float4(i).float8(i).float4Array([i]);
    await client.query('TRUNCATE sample');
    await pipeline(Readable.from([copy.finish()]), client.query(copyFrom('COPY sample FROM STDIN (FORMAT binary)')));
    const { rows } = await client.query<{ n: string; total: number }>('SELECT count(*) AS n, sum(d) AS total FROM sample');
    assert.deepEqual(rows[0], { n: '2000', total: 1_999_000 });
  });
});
