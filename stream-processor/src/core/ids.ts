import { createHash } from 'node:crypto';

function digest(...parts: string[]): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

function format(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Ids derived from what caused them, so a replay or a second processor deciding the same thing
 * arrives at the same id and the database's unique keys turn the repeat into a no-op.
 * RFC 9562 version 8 (custom): a hash of the namespace and the value.
 */
export function stableUuid(namespace: string, value: string): string {
  const bytes = digest(namespace, value.toLowerCase());
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}

/** An incident's id is its raising event's, transformed: the same event can only ever open the same incident. */
export function incidentIdFor(raisingEventId: string): string {
  return stableUuid('incident', raisingEventId);
}

/** RFC 9562 version 7 whose time is `atMs` and whose other bits come from `parts`. */
export function uuidV7For(atMs: number, ...parts: string[]): string {
  const bytes = digest(...parts);
  const ms = BigInt(Math.max(0, Math.floor(atMs)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}
