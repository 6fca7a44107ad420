import assert from 'node:assert/strict';
import { hashPassword, hashSecret, newSecret, verifyPassword, verifySecret, type ScryptParams } from '../../src/crypto/secretHash.js';

// Cheap parameters keep these tests fast; the format carries them, so verification is the same code path.
const FAST: ScryptParams = { N: 1024, r: 8, p: 1 };

// Written by the two copies this module replaced, so hashes already stored stay verifiable:
// dispatch-service's passwords.ts (NFKC, standard base64, N=2^17) and broker's secretHash.ts (base64url).
const DISPATCH_PASSWORD_HASH = 'scrypt$131072$8$1$usKe/3cd4Fq0R45A5l1Wug==$nhorw5SYhBYazLQM6TDafakSViV8z+rUj26Cc8ybXpc=';
const DISPATCH_PASSWORD = 'Ｐａｓｓ wörd 123';
const BROKER_SECRET_HASH = 'scrypt$1024$8$1$XXgW1yp_rOQWo_9z7o9zVw$0f8eQuPqQNA2AwB4jnWjcOh_W2WpUpnnR-33lRBX4Yw';
const BROKER_SECRET = 'Kq3-_zPsecret/+ünï';

describe('secretHash', function () {
  this.timeout(30_000);

  it('verifies the secret it hashed and refuses any other', async () => {
    const stored = await hashSecret('s3cret', FAST);
    assert.match(stored, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifySecret('s3cret', stored), true);
    assert.equal(await verifySecret('s3cret ', stored), false);
    assert.equal(await verifySecret('', stored), false);
  });

  it('salts every hash, so one secret hashed twice gives two hashes that both verify', async () => {
    const [a, b] = await Promise.all([hashSecret('same', FAST), hashSecret('same', FAST)]);
    assert.notEqual(a, b);
    assert.equal(await verifySecret('same', a), true);
    assert.equal(await verifySecret('same', b), true);
  });

  it('hashes at the machine-secret cost by default and records it in the hash', async () => {
    assert.match(await hashSecret(newSecret()), /^scrypt\$32768\$8\$1\$/);
  });

  it('verifies a password hash stored by dispatch-service before this module (standard base64, NFKC)', async () => {
    assert.equal(await verifyPassword(DISPATCH_PASSWORD, DISPATCH_PASSWORD_HASH), true);
    assert.equal(await verifyPassword('Pass wörd 123', DISPATCH_PASSWORD_HASH), true, 'full-width letters are the same password after NFKC');
  });

  it('verifies a secret hash stored by the broker before this module (base64url, not normalised)', async () => {
    assert.equal(await verifySecret(BROKER_SECRET, BROKER_SECRET_HASH), true);
    assert.equal(await verifySecret(BROKER_SECRET.normalize('NFD'), BROKER_SECRET_HASH), false, 'machine secrets compare byte for byte');
  });

  it('treats passwords that differ only in Unicode composition as one password', async () => {
    const stored = await hashPassword('cafe\u0301', FAST);
    assert.equal(await verifyPassword('caf\u00e9', stored), true);
    assert.equal(await verifyPassword('cafe', stored), false);
  });

  it('hashes passwords at the password cost by default', async function () {
    this.timeout(60_000);
    assert.match(await hashPassword('a long password'), /^scrypt\$131072\$8\$1\$/);
  });

  it('answers false, without throwing, for hashes it cannot read or that ask for unreasonable work', async () => {
    const good = await hashSecret('x', FAST);
    const [, , , , salt, key] = good.split('$');
    for (const stored of [
      '',
      'plain-text',
      'bcrypt$10$abc',
      `scrypt$1024$8$1$${salt}`,
      `scrypt$1024$8$1$$${key}`,
      `scrypt$1024$8$1$${salt}$${key}$extra`,
      `scrypt$1024$8$1$${salt}$${key!.slice(0, 20)}`,
      `scrypt$1000$8$1$${salt}$${key}`,
      `scrypt$1$8$1$${salt}$${key}`,
      `scrypt$${2 ** 24}$8$1$${salt}$${key}`,
      `scrypt$1024$64$1$${salt}$${key}`,
      `scrypt$1024$8$99$${salt}$${key}`,
      `scrypt$1024$8$0$${salt}$${key}`,
      `scrypt$-1024$8$1$${salt}$${key}`,
      `scrypt$abc$8$1$${salt}$${key}`,
      `scrypt$1024.5$8$1$${salt}$${key}`,
    ]) {
      assert.equal(await verifySecret('x', stored), false, stored);
    }
  });

  it('makes new secrets of 32 random bytes, URL-safe, never twice the same', () => {
    const a = newSecret();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a, 'base64url').length, 32);
    assert.notEqual(a, newSecret());
  });
});
