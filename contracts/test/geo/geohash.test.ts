import assert from 'node:assert/strict';
import { encodeGeohash, geoCellKey } from '../../src/index.js';

describe('geohash', () => {
  it('matches published reference hashes', () => {
    // Reference points from the geohash literature and geohash.org.
    assert.equal(encodeGeohash(57.64911, 10.40744, 11), 'u4pruydqqvj');
    assert.equal(encodeGeohash(42.6, -5.6, 5), 'ezs42');
    assert.equal(encodeGeohash(-25.382708, -49.265506, 8), '6gkzwgjz');
    assert.equal(encodeGeohash(0, 0, 1), 's');
  });

  it('puts two points a few metres apart in one cell and far points in different cells', () => {
    const a = geoCellKey({ lat: 31.2304, lon: 121.4737 });
    assert.equal(geoCellKey({ lat: 31.23045, lon: 121.47375 }), a);
    assert.notEqual(geoCellKey({ lat: 31.25, lon: 121.5 }), a);
    assert.equal(a.length, 6);
  });

  it('rejects coordinates outside the globe', () => {
    assert.throws(() => encodeGeohash(91, 0, 6), /latitude 91/);
    assert.throws(() => encodeGeohash(0, Number.NaN, 6), /longitude NaN/);
    assert.throws(() => encodeGeohash(0, 0, 13), /precision 13/);
  });
});
