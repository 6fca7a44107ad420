import { gatewayStatusRecordCodec } from '@gridsight/contracts';
import { writeOutbox } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { upsertGatewayStatuses } from '../adapters/db/gatewaysStore.js';
import { decodeRecords, type HandlerContext, type RecordIn } from './records.js';

export async function handleGatewayStatus(client: Pick<ClientBase, 'query'>, records: readonly RecordIn[], context: HandlerContext): Promise<{ invalid: number; stored: number }> {
  // A null value on the compacted topic is a deletion marker, not a status.
  const { valid, dlq } = decodeRecords(records.filter((r) => r.value !== null), gatewayStatusRecordCodec, context);
  await upsertGatewayStatuses(client, valid.map((v) => v.value));
  await writeOutbox(client, dlq);
  return { invalid: dlq.length, stored: valid.length };
}
