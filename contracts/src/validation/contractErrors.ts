import { CodedError } from '../errors/codedError.js';
import type { FieldError } from '../schemas/dlqRecord.js';

/** Stable codes for every way a payload can break the contract; none is retriable: the same bytes fail again. */
export const CONTRACT_ERROR_CODES = {
  CONTRACT_PAYLOAD_TOO_LARGE: 'payload is larger than this message type allows',
  CONTRACT_INVALID_UTF8: 'payload is not valid UTF-8',
  CONTRACT_INVALID_JSON: 'payload is not valid JSON',
  CONTRACT_SCHEMA_VIOLATION: 'payload does not match the schema',
} as const;
export type ContractErrorCode = keyof typeof CONTRACT_ERROR_CODES;

export class ContractValidationError extends CodedError<ContractErrorCode> {
  override readonly name = 'ContractValidationError';

  constructor(
    code: ContractErrorCode,
    readonly messageType: string,
    readonly errors: readonly FieldError[],
  ) {
    super(code, `${messageType}: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`, { retriable: false });
  }
}
