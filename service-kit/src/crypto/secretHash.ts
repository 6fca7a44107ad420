import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Self-describing scrypt hashes, `scrypt$<N>$<r>$<p>$<salt>$<hash>` with salt and hash in base64url:
 * the cost travels with each hash, so it can be raised later without breaking the hashes stored.
 * Hashes written with standard base64 (dispatch-service before this module) verify too, because
 * Node's base64url decoder also reads the standard alphabet.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Human passwords: OWASP's scrypt floor (N=2^17, r=8, p=1), 128 MiB and a few hundred ms per hash, paid once per sign-in. */
export const PASSWORD_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
/**
 * Machine secrets (32 random bytes, nothing to guess from a dictionary), checked on every MQTT
 * connect: 2^15 keeps ~32 MiB and ~50 ms per check, so a reconnect storm does not exhaust a small broker.
 */
export const MACHINE_SECRET_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// Bounds on what a stored hash may ask for, so a tampered row cannot make a check allocate gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a machine secret as given (no normalisation: it is compared byte for byte). */
export async function hashSecret(secret: string, params: ScryptParams = MACHINE_SECRET_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** False for a wrong secret and for a hash this code cannot read; never throws on bad input. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N < 2 || N > MAX_N || r > MAX_R || p > MAX_P || (N & (N - 1)) !== 0) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(secret, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

// A password typed on a phone and on a desktop can reach us as different code points for the same
// characters (full-width letters, composed accents); NFKC makes them one string before hashing.
const normalisePassword = (password: string) => password.normalize('NFKC');

/** A person's password: NFKC-normalised, hashed at the password cost. */
export function hashPassword(password: string, params: ScryptParams = PASSWORD_SCRYPT_PARAMS): Promise<string> {
  return hashSecret(normalisePassword(password), params);
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verifySecret(normalisePassword(password), stored);
}

/** A new gateway or service secret: 32 random bytes, URL-safe, typed once into a gateway's config. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
