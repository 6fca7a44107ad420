import { CodedError } from '@gridsight/contracts';

/** Every way the broker refuses or fails, with whether trying again can help. */
export const BROKER_ERRORS = {
  BROKER_AUTH_FAILED: { retriable: false, message: 'bad username or password' },
  BROKER_CLIENT_ID_MISMATCH: { retriable: false, message: 'client id does not match the identity' },
  BROKER_NOT_AUTHORIZED: { retriable: false, message: 'not authorized' },
  BROKER_RATE_LIMITED: { retriable: true, message: 'publish rate limit exceeded' },
  BROKER_KAFKA_UNAVAILABLE: { retriable: true, message: 'Kafka did not acknowledge in time' },
  BROKER_SHUTTING_DOWN: { retriable: true, message: 'the broker is shutting down' },
  BROKER_IDENTITY_STORE_UNAVAILABLE: { retriable: true, message: 'the identity database is unavailable' },
} as const;
export type BrokerErrorCode = keyof typeof BROKER_ERRORS;

export class BrokerError extends CodedError<BrokerErrorCode> {
  override readonly name = 'BrokerError';

  constructor(code: BrokerErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${BROKER_ERRORS[code].message}: ${detail}` : BROKER_ERRORS[code].message, { retriable: BROKER_ERRORS[code].retriable, cause: options?.cause });
  }
}
