import assert from 'node:assert/strict';
import { hashSecret, newSecret, verifySecret } from '../../src/core/secretHash.js';

const cheap = { N: 1024, r: 8, p: 1 };

describe('secret hashes', () => {
  it('verify the secret they were made from, and nothing else', async () => {
    const secret = newSecret();
    const hash = await hashSecret(secret, cheap);
    assert.match(hash, /^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifySecret(secret, hash), true);
    assert.equal(await verifySecret(`${secret}x`, hash), false);
  });

  it('salt every hash, so equal secrets hash differently', async () => {
    assert.notEqual(await hashSecret('same', cheap), await hashSecret('same', cheap));
  });

  it('refuse malformed or absurd hashes instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$8$1$AAAA$BBBB', 'scrypt$1073741824$8$1$c2FsdA$' + 'A'.repeat(43), 'bcrypt$x', 'scrypt$1024$8$1$$' + 'A'.repeat(43)]) {
      assert.equal(await verifySecret('secret', stored), false, stored);
    }
  });
});
