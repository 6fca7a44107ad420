import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DevKeys {
  tokenPrivateKeyFile: string;
  tokenPublicKeyFile: string;
}

/**
 * The ES256 key pair that signs worker tokens (dispatch-service) and verifies them (broker), for
 * the local stack only: made once under <dataRoot>/keys, mode 0600. Production mounts its own.
 */
export async function ensureDevKeys(dataRoot: string): Promise<DevKeys> {
  const dir = join(dataRoot, 'keys');
  const keys = { tokenPrivateKeyFile: join(dir, 'token_private_key.pem'), tokenPublicKeyFile: join(dir, 'token_public_key.pem') };
  if (existsSync(keys.tokenPrivateKeyFile) && existsSync(keys.tokenPublicKeyFile)) return keys;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeFile(keys.tokenPrivateKeyFile, privateKey, { mode: 0o600 });
  await writeFile(keys.tokenPublicKeyFile, publicKey, { mode: 0o600 });
  return keys;
}
