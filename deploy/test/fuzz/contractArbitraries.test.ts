import assert from 'node:assert/strict';
import { anomalyEventCodec } from '@gridsight/contracts';
import fc from 'fast-check';
import { brokenAnomalyEvent, validAnomalyEvent } from './contractArbitraries.js';

export const namesField = (errors: readonly { field: string }[], field: string): boolean =>
  errors.some((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));

// The broker fuzz test trusts these arbitraries to say what is valid; this proves them against the codec.
describe('contract arbitraries for fuzzing', function () {
  this.timeout(120_000);
  it('generates AnomalyEvents that the contract accepts, from the gateway asked for', () => {
    fc.assert(
      fc.property(validAnomalyEvent('gw-fuzz-1'), (event) => {
        const result = anomalyEventCodec.decode(JSON.stringify(event));
        assert.ok(result.ok, result.ok ? '' : result.error.message);
        assert.equal(event.source.gatewayId, 'gw-fuzz-1');
      }),
      { numRuns: 300 },
    );
  });

  it('breaks an event in one place that the contract refuses, naming that field', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(brokenAnomalyEvent('gw-fuzz-1'), ({ payload, field, how }) => {
        seen.add(field);
        const result = anomalyEventCodec.decode(JSON.stringify(payload));
        assert.equal(result.ok, false, `${how} was accepted`);
        if (!result.ok) assert.ok(namesField(result.error.errors, field), `${how}: the refusal names ${result.error.errors.map((e) => e.field).join(', ')}, not ${field}`);
      }),
      // Many runs: a rare value (a -0 that JSON writes as 0) once made a "broken" event valid in CI.
      { numRuns: 3000 },
    );
    // One field broken at a time, across the whole message rather than a few favourite places.
    assert.ok(seen.size >= 15, `only ${seen.size} fields were broken: ${[...seen].join(', ')}`);
  });
});
