import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import type { FieldError } from '../schemas/dlqRecord.js';
import { createAjv } from './ajvInstance.js';
import { ContractValidationError, type ContractErrorCode } from './contractErrors.js';
import { toFieldErrors } from './fieldErrors.js';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: ContractValidationError };

export interface Codec<T> {
  readonly messageType: string;
  readonly maxBytes: number;
  /** Bytes off the wire → a valid message, or an error naming each bad field. Never throws. */
  decode(payload: Uint8Array | string): DecodeResult<T>;
  /** Checks a value already in memory (e.g. built by this process). Never throws. */
  check(value: unknown): DecodeResult<T>;
  /** Validates, then serialises; throws ContractValidationError, since a producer sending bad data is a bug. */
  encode(value: T): Buffer;
}

export interface CodecOptions<T> {
  messageType: string;
  maxBytes: number;
  /** Rules JSON Schema cannot state (e.g. a box inside the image); runs only on schema-valid values. */
  semanticCheck?: (value: T) => FieldError[];
}

const ajv = createAjv();
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function createCodec<S extends TSchema>(schema: S, options: CodecOptions<Static<S>>): Codec<Static<S>> {
  const validate: ValidateFunction = ajv.compile(schema);
  const { messageType, maxBytes, semanticCheck } = options;

  const fail = (code: ContractErrorCode, errors: FieldError[]): DecodeResult<never> => ({
    ok: false,
    error: new ContractValidationError(code, messageType, errors),
  });

  const expectedSchema = (schema.properties as Record<string, { const?: unknown }> | undefined)?.['schema']?.const;

  const check = (value: unknown): DecodeResult<Static<S>> => {
    // Another version of the message may differ anywhere; its field errors would only be noise.
    const declared = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { schema?: unknown }).schema : undefined;
    if (typeof expectedSchema === 'string' && declared !== undefined && declared !== expectedSchema) {
      const shown = JSON.stringify(typeof declared === 'string' ? declared.slice(0, 64) : declared)?.slice(0, 80) ?? String(declared);
      return fail('CONTRACT_SCHEMA_VIOLATION', [{ field: 'schema', reason: `${shown} is not supported; this reader accepts "${expectedSchema}"` }]);
    }
    if (!validate(value)) return fail('CONTRACT_SCHEMA_VIOLATION', toFieldErrors(validate.errors ?? []));
    const semanticErrors = semanticCheck?.(value as Static<S>) ?? [];
    if (semanticErrors.length > 0) return fail('CONTRACT_SCHEMA_VIOLATION', semanticErrors);
    return { ok: true, value: value as Static<S> };
  };

  const decode = (payload: Uint8Array | string): DecodeResult<Static<S>> => {
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (size > maxBytes) {
      return fail('CONTRACT_PAYLOAD_TOO_LARGE', [{ field: '$', reason: `is ${size} bytes; the limit for ${messageType} is ${maxBytes} bytes` }]);
    }
    let text: string;
    try {
      text = typeof payload === 'string' ? payload : utf8.decode(payload);
    } catch {
      return fail('CONTRACT_INVALID_UTF8', [{ field: '$', reason: 'is not valid UTF-8' }]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return fail('CONTRACT_INVALID_JSON', [{ field: '$', reason: `is not valid JSON (${(error as Error).message.slice(0, 120)})` }]);
    }
    return check(parsed);
  };

  const encode = (value: Static<S>): Buffer => {
    const result = check(value);
    if (!result.ok) throw result.error;
    const bytes = Buffer.from(JSON.stringify(value));
    if (bytes.byteLength > maxBytes) {
      throw new ContractValidationError('CONTRACT_PAYLOAD_TOO_LARGE', messageType, [
        { field: '$', reason: `is ${bytes.byteLength} bytes; the limit for ${messageType} is ${maxBytes} bytes` },
      ]);
    }
    return bytes;
  };

  return { messageType, maxBytes, decode, check, encode };
}
