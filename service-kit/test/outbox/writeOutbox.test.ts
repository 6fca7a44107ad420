import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import pg from 'pg';
import { writeOutbox, type OutboxMessage } from '../../src/outbox/index.js';

describe('writeOutbox', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    await pool.end();
    await database.drop();
  });

  const messages = (n: number): OutboxMessage[] =>
    Array.from({ length: n }, (_, i) => ({ eventId: randomUUID(), topic: 't', key: `k${i % 3}`, payload: { i, text: 'a "quoted", comma\nnew line' } }));

  for (const size of [5, 300]) {
    it(`keeps the given order and ignores a second write of the same ids (${size} rows)`, async () => {
      const batch = messages(size);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        assert.equal(await writeOutbox(client, batch), size);
        assert.equal(await writeOutbox(client, batch.slice(0, 40)), 0);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const { rows } = await pool.query<{ event_id: string; payload: { i: number; text: string } }>('SELECT event_id, payload FROM outbox WHERE event_id = ANY($1::uuid[]) ORDER BY id', [batch.map((m) => m.eventId)]);
      assert.deepEqual(rows.map((r) => r.event_id), batch.map((m) => m.eventId));
      assert.deepEqual(rows[0]!.payload, batch[0]!.payload);
    });
  }

  it('refuses a large write outside a transaction instead of losing it', async () => {
    const client = await pool.connect();
    try {
      await assert.rejects(writeOutbox(client, messages(100)), /transaction block/);
    } finally {
      client.release();
    }
  });
});
