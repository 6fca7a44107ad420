import assert from 'node:assert/strict';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf, reportFingerprint } from '../../src/core/open311.js';

describe('Open311 report identity', () => {
  const fields = { serviceCode: 'garbage_pile' as const, lat: 31.2, lon: 121.4, description: 'bags', address: null };

  it('reads an Idempotency-Key as a structured-field string or as the bare token clients send', () => {
    assert.equal(idempotencyKeyOf('"a1-b2"'), 'a1-b2');
    assert.equal(idempotencyKeyOf('a1-b2'), 'a1-b2');
    const pattern = new RegExp(IDEMPOTENCY_KEY_PATTERN);
    assert.ok(pattern.test('"8e03978e-40d5-43e8-bc93-6894a57f9324"'));
    assert.ok(!pattern.test(''));
    assert.ok(!pattern.test('two words'));
    assert.ok(!pattern.test('x'.repeat(256)));
  });

  it('gives the same report the same fingerprint and any changed stored field another', () => {
    assert.equal(reportFingerprint(fields), reportFingerprint({ ...fields }));
    for (const change of [{ lat: 31.2001 }, { description: null }, { address: 'No. 3' }, { serviceCode: 'bin_full' as const }]) {
      assert.notEqual(reportFingerprint({ ...fields, ...change }), reportFingerprint(fields));
    }
  });
});
