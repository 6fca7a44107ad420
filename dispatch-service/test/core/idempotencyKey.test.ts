import assert from 'node:assert/strict';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf, requestFingerprint } from '../../src/core/idempotencyKey.js';

describe('Idempotency-Key', () => {
  it('reads an Idempotency-Key as a structured-field string or as the bare token clients send', () => {
    assert.equal(idempotencyKeyOf('"a1-b2"'), 'a1-b2');
    assert.equal(idempotencyKeyOf('a1-b2'), 'a1-b2');
    const pattern = new RegExp(IDEMPOTENCY_KEY_PATTERN);
    assert.ok(pattern.test('"8e03978e-40d5-43e8-bc93-6894a57f9324"'));
    assert.ok(!pattern.test(''));
    assert.ok(!pattern.test('two words'));
    assert.ok(!pattern.test('x'.repeat(256)));
  });

  it('fingerprints the fields in order, so that any changed field reads as another request', () => {
    assert.equal(requestFingerprint(['https://a.example/hook', null]), requestFingerprint(['https://a.example/hook', null]));
    assert.notEqual(requestFingerprint(['https://a.example/hook', null]), requestFingerprint(['https://a.example/hook', ['escalated']]));
    assert.notEqual(requestFingerprint([1, 2]), requestFingerprint([2, 1]));
  });
});
