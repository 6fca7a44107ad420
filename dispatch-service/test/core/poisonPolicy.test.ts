import assert from 'node:assert/strict';
import { nextStepAfterFailure } from '../../src/core/poisonPolicy.js';

const policy = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 3000 };

describe('poison policy', () => {
  it('retries a failing record with doubling delays, then dead-letters it after the last attempt', () => {
    assert.deepEqual([1, 2, 3].map((n) => nextStepAfterFailure(policy, 'record', n)), [
      { action: 'retry', delayMs: 500 },
      { action: 'retry', delayMs: 1000 },
      { action: 'retry', delayMs: 2000 },
    ]);
    assert.deepEqual(nextStepAfterFailure(policy, 'record', 4), { action: 'dead-letter' });
  });

  it('never dead-letters during an outage, and caps its delay', () => {
    assert.deepEqual(nextStepAfterFailure(policy, 'outage', 50), { action: 'retry', delayMs: 3000 });
  });
});
