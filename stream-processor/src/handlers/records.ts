import { dlqRecordFor, type Codec, type DecodeResult } from '@gridsight/contracts';
import type { OutboxMessage } from '@gridsight/service-kit';
import { uuidV7For } from '../core/ids.js';

/** A Kafka record as the handlers need it, free of kafkajs types. */
export interface RecordIn {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka's record timestamp, ms since the epoch, as text. */
  timestamp: string;
  value: Buffer | null;
}

export interface HandlerContext {
  dlqTopic: string;
  now: () => Date;
}

export interface Decoded<T> {
  valid: Array<{ record: RecordIn; value: T }>;
  /** DLQ records for the refused ones, to be written to the outbox in the batch's transaction. */
  dlq: OutboxMessage[];
}

/**
 * Validates every record with the contract's codec. A refused record becomes a DLQ message whose
 * id is derived from where it sat in Kafka, so a re-delivered batch refuses it once, not twice.
 */
export function decodeRecords<T>(records: readonly RecordIn[], codec: Codec<T>, context: HandlerContext): Decoded<T> {
  const decoded: Decoded<T> = { valid: [], dlq: [] };
  for (const record of records) {
    const payload = record.value ?? Buffer.alloc(0);
    const result: DecodeResult<T> = codec.decode(payload);
    if (result.ok) {
      decoded.valid.push({ record, value: result.value });
      continue;
    }
    const origin = { component: 'stream-processor', channel: record.topic, partition: record.partition, offset: record.offset };
    decoded.dlq.push({
      eventId: uuidV7For(Number(record.timestamp) || 0, 'dlq', record.topic, String(record.partition), record.offset),
      topic: context.dlqTopic,
      key: `${record.topic}/${record.partition}`,
      payload: dlqRecordFor(payload, result.error, origin, context.now()),
    });
  }
  return decoded;
}
