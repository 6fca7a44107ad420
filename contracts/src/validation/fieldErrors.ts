import type { ErrorObject } from 'ajv';
import type { FieldError } from '../schemas/dlqRecord.js';

/** Enough to fix a payload; a hostile one cannot make the error report itself large. */
export const MAX_REPORTED_ERRORS = 10;
const MAX_FIELD_NAME_CHARS = 64;

/** `/location/lat` → `location.lat`, `/bbox/2` → `bbox[2]`, `` → `$` (the whole payload). */
export function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let path = '';
  for (const raw of parts) {
    // Field names come from the sender; a long one must not make the error report long.
    const part = raw.length > MAX_FIELD_NAME_CHARS ? `${raw.slice(0, MAX_FIELD_NAME_CHARS)}…` : raw;
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else path += path === '' ? part : `.${part}`;
  }
  return path === '' ? '$' : path;
}

// With strictNumbers, NaN and ±Infinity fail the number type too; the reason says so.
const TYPE_REASONS: Record<string, string> = {
  number: 'must be a finite number',
  integer: 'must be a finite integer',
  string: 'must be a string',
  object: 'must be an object',
  array: 'must be an array',
  boolean: 'must be true or false',
};

function reasonFor(error: ErrorObject): string {
  const hint = (error.parentSchema as Record<string, unknown> | undefined)?.['x-hint'];
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a field of this message';
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return TYPE_REASONS[String(error.params.type)] ?? `must be of type ${String(error.params.type)}`;
    case 'pattern':
    case 'format':
      return typeof hint === 'string' ? `must be ${hint}` : (error.message ?? 'has the wrong format');
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

// Wrapper keywords only restate the errors of their branches.
const WRAPPER_KEYWORDS = new Set(['if', 'anyOf', 'allOf', 'oneOf']);

export function toFieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    if (WRAPPER_KEYWORDS.has(error.keyword)) continue;
    const child =
      error.keyword === 'required'
        ? String(error.params.missingProperty)
        : error.keyword === 'additionalProperties'
          ? String(error.params.additionalProperty)
          : undefined;
    const fieldError = { field: fieldPath(error.instancePath, child), reason: reasonFor(error) };
    const key = `${fieldError.field}\u0000${fieldError.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError);
    if (out.length === MAX_REPORTED_ERRORS) break;
  }
  return out;
}
