import { CodedError } from '@gridsight/contracts';

/** Error codes of the stream processor; `retriable` tells the retry loop whether trying again can help. */
export const PROCESSOR_ERROR_CODES = {
  SP_CONFIG_NO_DATABASE: { message: 'no database: set GRIDSIGHT_DATABASE_URL, or start the local stack with `npm start`', retriable: false },
} as const;
export type ProcessorErrorCode = keyof typeof PROCESSOR_ERROR_CODES;

export class ProcessorError extends CodedError<ProcessorErrorCode> {
  override readonly name = 'ProcessorError';

  constructor(code: ProcessorErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${PROCESSOR_ERROR_CODES[code].message}: ${detail}` : PROCESSOR_ERROR_CODES[code].message, {
      retriable: PROCESSOR_ERROR_CODES[code].retriable,
      cause: options?.cause,
    });
  }
}
