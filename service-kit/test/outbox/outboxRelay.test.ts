import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, testServices, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { pino } from 'pino';
import { createOutboxRelay, writeOutbox, type OutboxRelay } from '../../src/outbox/index.js';

const logger = pino({ level: 'silent' });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('outbox relay', function () {
  this.timeout(120_000);
  const kafka = new Kafka({ clientId: 'gs-outbox-test', brokers: testServices().kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = uniqueName('gs-outbox');
  let database: TestDatabase;
  let pool: pg.Pool;
  const producers: Producer[] = [];
  const relays: OutboxRelay[] = [];

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 6 });
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });
  after(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all(producers.map((p) => p.disconnect()));
    await pool.end();
    await database.drop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const newRelay = async (): Promise<OutboxRelay> => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
    const relay = createOutboxRelay({ pool, producer, topics: [topic], name: `test-${topic}`, logger, batchSize: 40, idleDelayMs: 20 });
    relays.push(relay);
    return relay;
  };

  it('publishes rows written while a round runs without waiting for the idle pause, when woken then', async () => {
    const ownTopic = uniqueName('gs-outbox-wake');
    await admin.createTopics({ topics: [{ topic: ownTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
    // Holds the first send until released, so that the second row is written and woken for mid-round.
    let inSend: () => void = () => undefined;
    const sending = new Promise<void>((resolve) => (inSend = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const gated = Object.create(producer) as Producer;
    gated.sendBatch = async (batch) => {
      inSend();
      await released;
      return producer.sendBatch(batch);
    };
    const relay = createOutboxRelay({ pool, producer: gated, topics: [ownTopic], name: `test-${ownTopic}`, logger, idleDelayMs: 600_000 });
    relays.push(relay);
    const write = async (seq: number) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await writeOutbox(client, [{ eventId: randomUUID(), topic: ownTopic, key: 'k', payload: { seq } }]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await write(1);
    relay.start();
    await sending;
    await write(2);
    relay.wake();
    release();
    await waitFor(
      'both rows published, long before the idle pause ends',
      async () => ((await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE topic = $1 AND published_at IS NOT NULL', [ownTopic])).rows[0]!.n === '2' ? true : undefined),
      30_000,
    );
  });

  it('lets only one relay of a name publish while another holds the lock', async () => {
    const relay = await newRelay();
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [0x6f757462, `test-${topic}`]);
      assert.deepEqual(await relay.relayOnce(), { leader: false, published: 0, more: false });
      await holder.query('ROLLBACK');
      assert.equal((await relay.relayOnce()).leader, true);
    } finally {
      holder.release();
    }
  });

  it('sends a round in parts under its byte budget, so Kafka never sees a record batch too large', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
    const bigTopic = `${topic}-big`;
    // The topic refuses a record batch over 30 kB: five 10 kB rows must go out in parts.
    await admin.createTopics({ topics: [{ topic: bigTopic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '30000' }] }], waitForLeaders: true });
    const relay = createOutboxRelay({ pool, producer, topics: [bigTopic], name: `test-${bigTopic}`, logger, maxBatchBytes: 25_000 });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await writeOutbox(client, Array.from({ length: 5 }, (_, i) => ({ eventId: randomUUID(), topic: bigTopic, key: 'k', payload: { i, pad: 'x'.repeat(10_000) } })));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    assert.deepEqual(await relay.relayOnce(), { leader: true, published: 5, more: false });
    assert.deepEqual(await relay.relayOnce(), { leader: true, published: 0, more: false });
    const consumer = kafka.consumer({ groupId: uniqueName('gs-outbox-big') });
    const seen: number[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: bigTopic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push((JSON.parse(message.value!.toString()) as { i: number }).i) });
      await waitFor('the five rows on Kafka', async () => (seen.length >= 5 ? true : undefined));
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    await admin.deleteTopics({ topics: [bigTopic] }).catch(() => undefined);
  });

  it('deletes published rows once they are older than the retention', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
    const shortTopic = `${topic}-short`;
    await admin.createTopics({ topics: [{ topic: shortTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await writeOutbox(client, [{ eventId: randomUUID(), topic: shortTopic, key: 'k', payload: { kept: false } }]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const relay = createOutboxRelay({ pool, producer, topics: [shortTopic], name: `test-${shortTopic}`, logger, idleDelayMs: 20, retainPublishedMs: 1 });
    relays.push(relay);
    relay.start();
    await waitFor('the published row deleted', async () => ((await pool.query('SELECT 1 FROM outbox WHERE topic = $1', [shortTopic])).rowCount === 0 ? true : undefined));
    await relay.stop();
    await admin.deleteTopics({ topics: [shortTopic] }).catch(() => undefined);
  });

  it('publishes every row exactly once, each key in order, with two relays running at once', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
    const total = 400;
    const [a, b] = [await newRelay(), await newRelay()];
    a.start();
    b.start();
    for (let batch = 0; batch < total / 20; batch++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const messages = Array.from({ length: 20 }, (_, i) => {
          const seq = batch * 20 + i;
          return { eventId: randomUUID(), topic, key: keys[seq % keys.length]!, payload: { seq } };
        });
        assert.equal(await writeOutbox(client, messages), 20);
        assert.equal(await writeOutbox(client, messages.slice(0, 3)), 0, 'a second write of the same eventIds adds nothing');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      a.wake();
    }
    await waitFor('every row marked published', async () => {
      const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
      return rows[0]!.n === '0' ? true : undefined;
    });

    const consumer = kafka.consumer({ groupId: uniqueName('gs-outbox-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{ key: string; seq: number; eventId: string }> = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key!.toString(), seq: (JSON.parse(message.value!.toString()) as { seq: number }).seq, eventId: String(message.headers!.eventId) });
      },
    });
    await waitFor('all messages consumed', async () => (received.length >= total ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await consumer.disconnect();

    assert.equal(received.length, total, 'no message twice');
    assert.equal(new Set(received.map((m) => m.eventId)).size, total);
    for (const key of keys) {
      const seqs = received.filter((m) => m.key === key).map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `${key} arrives in order`);
    }
  });
});
