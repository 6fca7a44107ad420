import { DLQ_PAYLOAD_MAX_BYTES, DLQ_RECORD_SCHEMA, type DlqRecord } from '../schemas/dlqRecord.js';
import type { ContractValidationError } from './contractErrors.js';

/** The DLQ record for a refused payload: its bytes (cut at a bound) and the reason, so nothing refused is lost from view. */
export function dlqRecordFor(
  payload: Uint8Array | string,
  // Any component's stable code, not only the contract's own (e.g. the broker's BRIDGE_GATEWAY_MISMATCH).
  error: Pick<ContractValidationError, 'message' | 'errors'> & { code: string },
  origin: DlqRecord['origin'],
  rejectedAt: Date,
): DlqRecord {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const kept = bytes.subarray(0, DLQ_PAYLOAD_MAX_BYTES);
  return {
    schema: DLQ_RECORD_SCHEMA,
    rejectedAt: rejectedAt.toISOString(),
    reason: { code: error.code, message: error.message.slice(0, 2000), errors: [...error.errors] },
    origin,
    payloadBase64: kept.toString('base64'),
    payloadBytes: bytes.byteLength,
    payloadTruncated: kept.byteLength < bytes.byteLength,
  };
}
