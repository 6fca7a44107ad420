import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { createLogger } from '@gridsight/service-kit';
import { apiKeyDigest } from '../../../src/adapters/db/open311Queries.js';
import { buildHttpServer } from '../../../src/adapters/http/server.js';
import { createApiWorld, type ApiWorld } from '../../support/api.js';

const API_KEY = 'i'.repeat(40);
const OTHER_KEY = 'j'.repeat(40);
const report = { api_key: API_KEY, service_code: 'manhole_open', lat: 31.2302, long: 121.4737, description: 'cover missing outside no. 12' };

/**
 * The pool of the test, except that the next `failures` COMMITs go through on the server and then
 * fail on the client as a dropped connection does: the caller cannot know whether they committed.
 */
function commitFailsAfterCommitting(pool: pg.Pool, failures: number): { pool: pg.Pool; injected: () => number } {
  let injected = 0;
  const wrapped = new Proxy(pool, {
    get(target, property) {
      if (property !== 'connect') {
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async () => {
        const client = await target.connect();
        const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
        const release = client.release.bind(client);
        Object.assign(client, {
          query: async (text: string, values?: unknown[]) => {
            const result = await query(text, values);
            if (text === 'COMMIT' && injected < failures) {
              injected++;
              throw new Error('Connection terminated unexpectedly');
            }
            return result;
          },
          release: (error?: Error | boolean) => {
            delete (client as Partial<pg.PoolClient>).query;
            delete (client as Partial<pg.PoolClient>).release;
            release(error);
          },
        });
        return client;
      };
    },
  });
  return { pool: wrapped, injected: () => injected };
}

describe('Open311 POST requests: one report however often it is sent (real PostgreSQL)', function () {
  this.timeout(60_000);
  let world: ApiWorld;

  before(async () => {
    world = await createApiWorld();
    await world.pool.query('INSERT INTO open311_clients (client_id, key_sha256) VALUES ($1, $2), ($3, $4)', ['city-app', apiKeyDigest(API_KEY), 'hotline', apiKeyDigest(OTHER_KEY)]);
  });
  after(async () => world?.close());

  const post = (app: FastifyInstance, payload: Record<string, unknown>, key?: string, format = 'json') =>
    app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, payload, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const reportsOf = async (token: string) => Number((await world.pool.query('SELECT count(*) AS n FROM open311_reports WHERE event_id = $1', [token])).rows[0].n);
  const countAll = async () => {
    const { rows } = await world.pool.query("SELECT (SELECT count(*) FROM open311_reports) AS reports, (SELECT count(*) FROM outbox WHERE topic = 'anomaly-events') AS announced");
    return { reports: Number(rows[0].reports), announced: Number(rows[0].announced) };
  };
  const serverOver = (pool: pg.Pool) =>
    buildHttpServer({ workflows: { ...world.deps, pool }, tokens: world.tokens, sessions: world.sessions, photoMaxBytes: 1024, publicUrl: '', logger: createLogger('dispatch-test', 'silent') });

  it('answers a repeated POST under the same Idempotency-Key with the first token, and stores and announces one report', async () => {
    const before = await countAll();
    const first = await post(world.app, report, 'retry-1');
    assert.equal(first.statusCode, 201, first.body);
    const again = await post(world.app, report, '"retry-1"');
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.json()[0].token, first.json()[0].token);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.deepEqual(await countAll(), { reports: before.reports + 1, announced: before.announced + 1 });
  });

  it('makes one report of concurrent POSTs under one key', async () => {
    const before = await countAll();
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(world.app, report, 'burst-1')));
    assert.deepEqual(answers.map((a) => a.statusCode), [201, 201, 201, 201, 201, 201]);
    assert.equal(new Set(answers.map((a) => a.json()[0].token)).size, 1);
    assert.deepEqual(await countAll(), { reports: before.reports + 1, announced: before.announced + 1 });
  });

  it('refuses a different report under a key already used (422), and keeps keys of different clients apart', async () => {
    await post(world.app, report, 'reused-1');
    const different = await post(world.app, { ...report, description: 'another hole' }, 'reused-1');
    assert.equal(different.statusCode, 422);
    assert.match(different.json()[0].description, /Idempotency-Key reused-1 was already used for a different report/);
    const otherClient = await post(world.app, { ...report, api_key: OTHER_KEY }, 'reused-1');
    assert.equal(otherClient.statusCode, 201);
    assert.equal(otherClient.headers['idempotent-replayed'], undefined);
  });

  it('refuses a malformed Idempotency-Key with a 400 naming the header', async () => {
    const bad = await post(world.app, report, 'x'.repeat(300));
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json()[0].description, /idempotency-key/);
  });

  it('settles a COMMIT of unknown outcome by running the report again under its own id: one report, one announcement, the first token', async () => {
    const faulty = commitFailsAfterCommitting(world.pool, 1);
    const app = await serverOver(faulty.pool);
    try {
      const before = await countAll();
      const answer = await post(app, report);
      assert.equal(answer.statusCode, 201, answer.body);
      assert.equal(faulty.injected(), 1, 'the first COMMIT went through and was reported as lost');
      assert.equal(await reportsOf(answer.json()[0].token), 1);
      assert.deepEqual(await countAll(), { reports: before.reports + 1, announced: before.announced + 1 });
    } finally {
      await app.close();
    }
  });

  it('answers 503 when COMMIT keeps failing, and the client’s retry under its key gets the report that did commit', async () => {
    const faulty = commitFailsAfterCommitting(world.pool, 3);
    const app = await serverOver(faulty.pool);
    try {
      const before = await countAll();
      const lost = await post(app, report, 'flaky-1', 'xml');
      assert.equal(lost.statusCode, 503);
      assert.match(lost.body, /<code>503<\/code>\s*<description>the database connection broke while the report was being stored, so it may or may not be stored; send it again with the same Idempotency-Key/);
      assert.equal(faulty.injected(), 3);
      const retried = await post(world.app, report, 'flaky-1');
      assert.equal(retried.statusCode, 201);
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.deepEqual(await countAll(), { reports: before.reports + 1, announced: before.announced + 1 });
    } finally {
      await app.close();
    }
  });
});
