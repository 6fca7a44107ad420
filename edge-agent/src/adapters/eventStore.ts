import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EdgeError } from '../errors.js';

export interface StoredMessage {
  readonly seq: number;
  readonly topic: string;
  readonly payload: Buffer;
}

export interface EventStore {
  /** Durably appends (fsync before return); drops the oldest messages past the byte bound. Returns how many were dropped. */
  append(topic: string, payload: Buffer): { seq: number; dropped: number };
  /** Oldest first, with seq greater than `afterSeq`. */
  read(afterSeq: number, limit: number): StoredMessage[];
  remove(seq: number): void;
  stats(): { messages: number; bytes: number };
  close(): void;
}

export interface EventStoreOptions {
  readonly path: string;
  readonly maxBytes: number;
}

/**
 * The store-and-forward backlog: SQLite in WAL mode with synchronous=FULL, so an append has
 * reached the disk when it returns and survives kill -9 or a power cut; rows leave only on PUBACK.
 */
export function openEventStore(options: EventStoreOptions): EventStore {
  let db: Database.Database;
  try {
    mkdirSync(dirname(options.path), { recursive: true });
    db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS outgoing (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL, bytes INTEGER NOT NULL)');
  } catch (error) {
    throw new EdgeError('EDGE_STORE_FAILED', `cannot open ${options.path}: ${(error as Error).message}`, false, { cause: error });
  }
  const insert = db.prepare<[string, Buffer, number]>('INSERT INTO outgoing (topic, payload, bytes) VALUES (?, ?, ?)');
  const oldest = db.prepare<[], { seq: number; bytes: number }>('SELECT seq, bytes FROM outgoing ORDER BY seq LIMIT 1');
  const selectAfter = db.prepare<[number, number], StoredMessage>('SELECT seq, topic, payload FROM outgoing WHERE seq > ? ORDER BY seq LIMIT ?');
  const deleteOne = db.prepare<[number], unknown>('DELETE FROM outgoing WHERE seq = ?');
  const totals = db.prepare<[], { messages: number; bytes: number | null }>('SELECT count(*) AS messages, sum(bytes) AS bytes FROM outgoing');
  const initial = totals.get();
  let messages = initial?.messages ?? 0;
  let bytes = initial?.bytes ?? 0;

  const appendTx = db.transaction((topic: string, payload: Buffer) => {
    const size = payload.byteLength + Buffer.byteLength(topic);
    const seq = Number(insert.run(topic, payload, size).lastInsertRowid);
    messages += 1;
    bytes += size;
    let dropped = 0;
    // The newest message always stays, even alone over the bound: it is the one just observed.
    while (bytes > options.maxBytes && messages > 1) {
      const row = oldest.get();
      if (!row) break;
      deleteOne.run(row.seq);
      messages -= 1;
      bytes -= row.bytes;
      dropped += 1;
    }
    return { seq, dropped };
  });

  return {
    append(topic, payload) {
      try {
        return appendTx(topic, payload);
      } catch (error) {
        throw new EdgeError('EDGE_STORE_FAILED', `append failed: ${(error as Error).message}`, true, { cause: error });
      }
    },
    read: (afterSeq, limit) => selectAfter.all(afterSeq, limit),
    remove(seq) {
      const size = db.prepare<[number], { bytes: number }>('SELECT bytes FROM outgoing WHERE seq = ?').get(seq)?.bytes;
      if (size === undefined) return;
      deleteOne.run(seq);
      messages -= 1;
      bytes -= size;
    },
    stats: () => ({ messages, bytes }),
    close: () => db.close(),
  };
}
