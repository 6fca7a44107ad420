import { createHash } from 'node:crypto';

/** An Idempotency-Key header's value (draft-ietf-httpapi-idempotency-key-header): a structured-field string in quotes, or the bare token most clients send. */
export const IDEMPOTENCY_KEY_PATTERN = '^(?:"[ !#-~]{1,255}"|[!-~]{1,255})$';

export function idempotencyKeyOf(header: string): string {
  return header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
}

/** What tells a retry from a different request sent under a reused key: a digest of the fields that are stored, in a fixed order. */
export function requestFingerprint(fields: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
