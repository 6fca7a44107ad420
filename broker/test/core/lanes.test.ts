import assert from 'node:assert/strict';
import { laneOf } from '../../src/core/lanes.js';

describe('producer lanes', () => {
  it('send one key always through one lane, and spread many keys over all lanes', () => {
    assert.equal(laneOf('wtw3sj', 4), laneOf('wtw3sj', 4));
    const used = new Set(Array.from({ length: 200 }, (_, i) => laneOf(`cell-${i}`, 4)));
    assert.deepEqual([...used].sort(), [0, 1, 2, 3]);
    assert.equal(laneOf('anything', 1), 0);
  });
});
