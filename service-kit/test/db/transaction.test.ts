import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '@gridsight/deploy/testing';
import pg from 'pg';
import { DatabaseError, inTransaction, isTransientDatabaseError } from '../../src/db/transaction.js';

const FAST = { minTimeoutMs: 5, maxTimeoutMs: 20 };

describe('inTransaction', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    database = await createTestDatabase({ migrated: false });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    await pool.query('CREATE TABLE things (id int PRIMARY KEY, note text)');
    // A trigger that runs at COMMIT and takes its time, to break a connection while COMMIT is in flight.
    await pool.query(`CREATE TABLE slow_commits (id int PRIMARY KEY);
      CREATE FUNCTION sleep_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(30); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON slow_commits DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sleep_at_commit();`);
  });
  beforeEach(() => pool.query('TRUNCATE things'));
  after(async () => {
    await pool.end();
    await database.drop();
  });

  const ids = async () => (await pool.query<{ id: number }>('SELECT id FROM things ORDER BY id')).rows.map((r) => r.id);
  const backendOf = async (client: pg.PoolClient) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  it('commits what the work wrote and returns its result', async () => {
    const result = await inTransaction(pool, async (client) => {
      await client.query('INSERT INTO things VALUES (1), (2)');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(await ids(), [1, 2]);
  });

  it('rolls back and rethrows what the work threw, unchanged, without running it again', async () => {
    const mine = new Error('not allowed');
    let attempts = 0;
    await assert.rejects(
      inTransaction(pool, async (client) => {
        attempts += 1;
        await client.query('INSERT INTO things VALUES (1)');
        throw mine;
      }),
      (error) => error === mine,
    );
    assert.equal(attempts, 1);
    assert.deepEqual(await ids(), []);
  });

  it('passes a constraint violation out with its SQLSTATE and does not retry it', async () => {
    await pool.query('INSERT INTO things VALUES (7)');
    let attempts = 0;
    await assert.rejects(
      inTransaction(pool, async (client) => {
        attempts += 1;
        await client.query('INSERT INTO things VALUES (8)');
        await client.query('INSERT INTO things VALUES (7)');
      }),
      (error: { code?: string }) => error.code === '23505',
    );
    assert.equal(attempts, 1);
    assert.deepEqual(await ids(), [7]);
  });

  it('retries the SQLSTATEs its caller names as worth it, besides the transient ones', async () => {
    await pool.query('INSERT INTO things VALUES (7)');
    let attempts = 0;
    await inTransaction(
      pool,
      async (client) => {
        attempts += 1;
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM things WHERE id = 8');
        await client.query('INSERT INTO things VALUES ($1)', [attempts === 1 ? 7 : 8 + rows[0]!.n]);
      },
      { ...FAST, retrySqlStates: ['23505'] },
    );
    assert.equal(attempts, 2);
    assert.deepEqual(await ids(), [7, 8]);
  });

  it('runs the work again after a serialisation failure and commits once', async () => {
    let attempts = 0;
    await inTransaction(
      pool,
      async (client) => {
        attempts += 1;
        await client.query('INSERT INTO things VALUES ($1)', [attempts]);
        if (attempts === 1) await client.query(`DO $$ BEGIN RAISE EXCEPTION 'could not serialize' USING ERRCODE = '40001'; END $$`);
      },
      FAST,
    );
    assert.equal(attempts, 2);
    assert.deepEqual(await ids(), [2]);
  });

  it('gets both transactions of a real deadlock through: the victim is rolled back and run again', async () => {
    await pool.query('INSERT INTO things VALUES (1, null), (2, null)');
    let bothLockedFirst: () => void;
    const barrier = new Promise<void>((resolve) => (bothLockedFirst = resolve));
    let locked = 0;
    const attempts = { a: 0, b: 0 };
    const crosswise = (name: 'a' | 'b', first: number, second: number) =>
      inTransaction(
        pool,
        async (client) => {
          attempts[name] += 1;
          await client.query('UPDATE things SET note = coalesce(note, \'\') || $2 WHERE id = $1', [first, name]);
          if (attempts[name] === 1) {
            locked += 1;
            if (locked === 2) bothLockedFirst();
            await barrier;
          }
          await client.query('UPDATE things SET note = coalesce(note, \'\') || $2 WHERE id = $1', [second, name]);
        },
        FAST,
      );
    await Promise.all([crosswise('a', 1, 2), crosswise('b', 2, 1)]);
    assert.equal(attempts.a + attempts.b, 3, 'exactly one of the two was chosen as the deadlock victim and ran twice');
    const { rows } = await pool.query<{ note: string }>('SELECT note FROM things ORDER BY id');
    for (const { note } of rows) assert.deepEqual([...note].sort(), ['a', 'b'], 'each committed transaction wrote each row once');
  });

  it('runs the work again on a fresh connection when its connection is killed, and discards the dead one', async () => {
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    const backends: number[] = [];
    try {
      await inTransaction(
        pool,
        async (client) => {
          backends.push(await backendOf(client));
          await client.query('INSERT INTO things VALUES ($1)', [backends.length]);
          if (backends.length === 1) await killer.query('SELECT pg_terminate_backend($1)', [backends[0]]);
          await client.query('SELECT 1');
        },
        FAST,
      );
    } finally {
      await killer.end();
    }
    assert.equal(backends.length, 2);
    assert.notEqual(backends[0], backends[1]);
    assert.deepEqual(await ids(), [2]);
    const { rows } = await pool.query<{ alive: boolean }>('SELECT count(*) > 0 AS alive FROM pg_stat_activity WHERE pid = $1', [backends[0]]);
    assert.equal(rows[0]!.alive, false);
  });

  it('gives up after its retries with DB_UNAVAILABLE, which keeps the database error as its cause', async () => {
    let attempts = 0;
    await assert.rejects(
      inTransaction(
        pool,
        async (client) => {
          attempts += 1;
          await client.query(`DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$`);
        },
        { ...FAST, retries: 2 },
      ),
      (error: unknown) =>
        error instanceof DatabaseError && error.code === 'DB_UNAVAILABLE' && error.retriable && (error.cause as { code?: string }).code === '40P01' && isTransientDatabaseError(error),
    );
    assert.equal(attempts, 3);
  });

  it('answers DB_UNAVAILABLE when no connection can be made', async () => {
    const nowhere = new pg.Pool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 2_000 });
    let ran = false;
    try {
      await assert.rejects(
        inTransaction(
          nowhere,
          async () => {
            ran = true;
          },
          { ...FAST, retries: 1 },
        ),
        (error: unknown) => error instanceof DatabaseError && error.code === 'DB_UNAVAILABLE' && /ECONNREFUSED/.test(error.message),
      );
    } finally {
      await nowhere.end();
    }
    assert.equal(ran, false);
  });

  it('does not run the work again when the connection breaks during COMMIT: the outcome is unknown', async () => {
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    let attempts = 0;
    try {
      const outcome = inTransaction(
        pool,
        async (client) => {
          attempts += 1;
          await client.query('INSERT INTO slow_commits VALUES (1)');
        },
        FAST,
      );
      // Wait until COMMIT sits in the deferred trigger's sleep, then end that backend.
      const deadline = Date.now() + 30_000;
      let pid: number | undefined;
      while (pid === undefined && Date.now() < deadline) {
        const { rows } = await killer.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'COMMIT' AND wait_event = 'PgSleep'");
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(pid !== undefined, 'COMMIT never reached the trigger');
      await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      await assert.rejects(outcome, (error: unknown) => error instanceof DatabaseError && error.code === 'DB_COMMIT_UNKNOWN' && !error.retriable);
    } finally {
      await killer.end();
    }
    assert.equal(attempts, 1);
  });

  it('tells transient failures from the rest', () => {
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '40001' })), true);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '08006' })), true);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '57P01' })), true);
    assert.equal(isTransientDatabaseError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: '23505' })), false);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), true);
    // Five letters like a SQLSTATE, but a broken socket.
    assert.equal(isTransientDatabaseError(Object.assign(new Error('write failed'), { code: 'EPIPE' })), true);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: 'EBADF' })), false);
    assert.equal(isTransientDatabaseError(Object.assign(new Error('x'), { code: 'XX000' })), false);
    assert.equal(isTransientDatabaseError(new Error('no such ticket')), false);
    assert.equal(isTransientDatabaseError(null), false);
  });
});
