/**
 * The one shape of a Gridsight error at a boundary (kafkajs's KafkaJSError tree, fastify's code
 * registry): a stable `code` that callers branch on, `retriable` saying whether the same attempt
 * may succeed later, and the `cause` it wraps. Each package derives its own class, named after the
 * package, with its codes in one registry; `instanceof` of that class and of this one both hold.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retriable: boolean;

  protected constructor(code: Code, message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable;
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}
