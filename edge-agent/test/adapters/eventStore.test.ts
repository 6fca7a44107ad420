import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/adapters/eventStore.js';

describe('event store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps appended messages in order across a reopen until they are removed', () => {
    const path = join(dir, 'events.db');
    const store = openEventStore({ path, maxBytes: 1e6 });
    const seqs = ['a', 'b', 'c'].map((text) => store.append('t', Buffer.from(text)).seq);
    store.remove(seqs[0] as number);
    store.close();
    const reopened = openEventStore({ path, maxBytes: 1e6 });
    assert.deepEqual(reopened.read(0, 10).map((m) => m.payload.toString()), ['b', 'c']);
    assert.deepEqual(reopened.read(seqs[1] as number, 10).map((m) => m.payload.toString()), ['c']);
    assert.deepEqual(reopened.stats(), { messages: 2, bytes: 4 });
    reopened.close();
  });

  it('drops the oldest messages past the byte bound and says how many', () => {
    const store = openEventStore({ path: join(dir, 'events.db'), maxBytes: 100 });
    let dropped = 0;
    for (let i = 0; i < 10; i++) dropped += store.append('t', Buffer.alloc(29, i)).dropped;
    assert.equal(dropped, 7);
    assert.deepEqual(store.read(0, 10).map((m) => m.payload[0]), [7, 8, 9]);
    assert.deepEqual(store.stats(), { messages: 3, bytes: 90 });
    store.close();
  });

  it('fails with a coded error when the path cannot be a database', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    assert.throws(() => openEventStore({ path: join(file, 'events.db'), maxBytes: 100 }), /EDGE_STORE_FAILED/);
  });
});
