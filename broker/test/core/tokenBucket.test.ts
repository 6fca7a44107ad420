import assert from 'node:assert/strict';
import { giveBack, newBucket, take } from '../../src/core/tokenBucket.js';

const limit = { ratePerSecond: 10, burst: 3 };

describe('token bucket', () => {
  it('serves a burst at once, then asks to wait at the sustained rate', () => {
    const bucket = newBucket(limit, 0);
    assert.deepEqual([take(bucket, limit, 0), take(bucket, limit, 0), take(bucket, limit, 0)], [0, 0, 0]);
    assert.equal(take(bucket, limit, 0), 100);
    assert.equal(take(bucket, limit, 0), 200);
  });

  it('refills with time, never above the burst', () => {
    const bucket = newBucket(limit, 0);
    for (let i = 0; i < 3; i++) take(bucket, limit, 0);
    assert.equal(take(bucket, limit, 100), 0);
    assert.equal(take(bucket, limit, 60_000), 0);
    assert.ok(bucket.tokens <= limit.burst);
  });

  it('gives back the token of a refused message', () => {
    const bucket = newBucket(limit, 0);
    for (let i = 0; i < 3; i++) take(bucket, limit, 0);
    const wait = take(bucket, limit, 0);
    giveBack(bucket, limit);
    assert.equal(take(bucket, limit, 0), wait);
  });
});
