import { CodedError } from '@gridsight/contracts';

/**
 * Every way a dispatch request or step can fail, with the HTTP status it maps to and whether
 * trying the same thing again may succeed (kafkajs's retriable split, fastify's code registry).
 */
export const DISPATCH_ERRORS = {
  DSP_BAD_REQUEST: { status: 400, retriable: false },
  DSP_UNAUTHENTICATED: { status: 401, retriable: false },
  DSP_TOKEN_EXPIRED: { status: 401, retriable: false },
  DSP_TOKEN_REVOKED: { status: 401, retriable: false },
  DSP_FORBIDDEN: { status: 403, retriable: false },
  DSP_NOT_FOUND: { status: 404, retriable: false },
  DSP_TRANSITION_NOT_ALLOWED: { status: 409, retriable: false },
  DSP_VERSION_CONFLICT: { status: 409, retriable: false },
  DSP_CONFLICT: { status: 409, retriable: false },
  DSP_PAYLOAD_TOO_LARGE: { status: 413, retriable: false },
  DSP_UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false },
  DSP_IDEMPOTENCY_KEY_REUSED: { status: 422, retriable: false },
  DSP_MISSING_REFERENCE: { status: 409, retriable: true },
  DSP_UNAVAILABLE: { status: 503, retriable: true },
} as const;
export type DispatchErrorCode = keyof typeof DISPATCH_ERRORS;

export class DispatchError extends CodedError<DispatchErrorCode> {
  override readonly name = 'DispatchError';
  readonly status: number;

  constructor(code: DispatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { retriable: DISPATCH_ERRORS[code].retriable, cause: options?.cause });
    this.status = DISPATCH_ERRORS[code].status;
  }
}
