/** Messages between the bridge (main thread) and the thread that owns the Kafka producers. */

export interface ProducerThreadOptions {
  brokers: string[];
  clientId: string;
  producers: number;
}

/** One batch of one lane. Values travel packed in one transferred buffer: `ends[i]` is where record i's value ends. */
export interface SendRequest {
  type: 'send';
  id: number;
  lane: number;
  topics: string[];
  keys: string[];
  headers: Array<Record<string, string>>;
  ends: number[];
  values: ArrayBuffer;
}

export type ToProducerThread = SendRequest | { type: 'close' };

export type FromProducerThread =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'sent'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };
