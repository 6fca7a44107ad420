import assert from 'node:assert/strict';
import { verifyWebhookSignature, webhookRetryDelayMs, webhookSignature } from '../../src/core/webhooks.js';

describe('webhook signing and retries', () => {
  it('signs timestamp and body so that a receiver can check both', () => {
    const signature = webhookSignature('s3cret', 1_790_000_000, '{"a":1}');
    assert.match(signature, /^v1=[0-9a-f]{64}$/);
    assert.ok(verifyWebhookSignature('s3cret', signature, 1_790_000_000, '{"a":1}', 1_790_000_010));
    assert.ok(!verifyWebhookSignature('s3cret', signature, 1_790_000_000, '{"a":2}', 1_790_000_010), 'a changed body fails');
    assert.ok(!verifyWebhookSignature('other', signature, 1_790_000_000, '{"a":1}', 1_790_000_010), 'another secret fails');
    assert.ok(!verifyWebhookSignature('s3cret', signature, 1_790_000_000, '{"a":1}', 1_790_001_000), 'an old delivery replayed fails');
  });

  it('backs off exponentially from 5 s to at most an hour, with jitter', () => {
    assert.equal(webhookRetryDelayMs(1, () => 0.5), 5_000);
    assert.equal(webhookRetryDelayMs(4, () => 0.5), 40_000);
    assert.equal(webhookRetryDelayMs(30, () => 0.5), 3_600_000);
    assert.equal(webhookRetryDelayMs(1, () => 0), 4_000);
    assert.equal(webhookRetryDelayMs(1, () => 1), 6_000);
  });
});
