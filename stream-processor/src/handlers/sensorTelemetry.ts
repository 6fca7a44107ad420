import { sensorTelemetryCodec } from '@gridsight/contracts';
import { writeOutbox } from '@gridsight/service-kit';
import type { ClientBase } from 'pg';
import { insertSensorReadings } from '../adapters/db/sensorReadingsStore.js';
import { decodeRecords, type HandlerContext, type RecordIn } from './records.js';

export async function handleSensorTelemetry(client: Pick<ClientBase, 'query'>, records: readonly RecordIn[], context: HandlerContext): Promise<{ invalid: number; stored: number }> {
  const { valid, dlq } = decodeRecords(records, sensorTelemetryCodec, context);
  const stored = await insertSensorReadings(client, valid.map((v) => v.value));
  await writeOutbox(client, dlq);
  return { invalid: dlq.length, stored };
}
