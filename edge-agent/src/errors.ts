import { CodedError } from '@gridsight/contracts';

/** Every way the edge agent's own parts fail, each with a stable code (detector failures carry their own). */
export const EDGE_ERROR_CODES = {
  EDGE_CONFIG_INVALID: 'the config file is missing, unreadable or does not match the schema',
  EDGE_SOURCE_FAILED: 'a camera source failed to produce a frame',
  EDGE_SOURCE_TIMEOUT: 'a camera source did not answer in time',
  EDGE_STORE_FAILED: 'the on-disk event store failed',
  EDGE_SNAPSHOT_FAILED: 'the JPEG crop of a detection could not be made',
} as const;
export type EdgeErrorCode = keyof typeof EDGE_ERROR_CODES;

const RETRIABLE: ReadonlySet<EdgeErrorCode> = new Set(['EDGE_SOURCE_FAILED', 'EDGE_SOURCE_TIMEOUT']);

export class EdgeError extends CodedError<EdgeErrorCode> {
  override readonly name = 'EdgeError';

  constructor(code: EdgeErrorCode, detail: string, retriable = RETRIABLE.has(code), options?: { cause?: unknown }) {
    super(code, `${code}: ${EDGE_ERROR_CODES[code]}: ${detail}`, { retriable, cause: options?.cause });
  }
}
