import assert from 'node:assert/strict';
import { reportFingerprint } from '../../src/core/open311.js';

describe('Open311 report fingerprint', () => {
  const fields = { serviceCode: 'garbage_pile' as const, lat: 31.2, lon: 121.4, description: 'bags', address: null };

  it('gives the same report the same fingerprint and any changed stored field another', () => {
    assert.equal(reportFingerprint(fields), reportFingerprint({ ...fields }));
    for (const change of [{ lat: 31.2001 }, { description: null }, { address: 'No. 3' }, { serviceCode: 'bin_full' as const }]) {
      assert.notEqual(reportFingerprint({ ...fields, ...change }), reportFingerprint(fields));
    }
  });
});
