import { strict as assert } from 'node:assert';
import { IDLE_RULE, stepSensorRule, type RuleState, type RuleTransition, type SensorRule } from '../../src/core/sensorRules.js';

const tilt: SensorRule = { metric: 'tilt_deg', kind: 'manhole_open', raiseAbove: 15, holdMs: 5000, clearBelow: 5, clearHoldMs: 10_000 };

function run(rule: SensorRule, readings: Array<[atMs: number, value: number]>): Array<[number, RuleTransition]> {
  let state: RuleState = IDLE_RULE;
  const out: Array<[number, RuleTransition]> = [];
  for (const [at, value] of readings) {
    const step = stepSensorRule(rule, state, value, at);
    state = step.state;
    if (step.transition) out.push([at, step.transition]);
  }
  return out;
}

describe('sensor rules', () => {
  it('raises a tilted manhole cover only after it stayed beyond 15° for 5 s', () => {
    assert.deepEqual(run(tilt, [[0, 20], [2000, 25], [4000, 30], [5000, 30], [6000, 30]]), [[5000, 'raised']]);
  });

  it('starts the hold again when the value dips back', () => {
    assert.deepEqual(run(tilt, [[0, 20], [3000, 10], [4000, 20], [8000, 20], [9000, 20]]), [[9000, 'raised']]);
  });

  it('does not clear between the two thresholds (hysteresis) and clears below 5° after 10 s', () => {
    const readings: Array<[number, number]> = [[0, 20], [5000, 20], [6000, 10], [30_000, 10], [31_000, 2], [40_000, 2], [41_000, 2]];
    assert.deepEqual(run(tilt, readings), [[5000, 'raised'], [41_000, 'cleared']]);
  });

  it('raises bin_full above 90 % with no hold', () => {
    const bin: SensorRule = { metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 0, clearBelow: 50, clearHoldMs: 0 };
    assert.deepEqual(run(bin, [[0, 85], [1000, 91], [2000, 89], [3000, 40]]), [[1000, 'raised'], [3000, 'cleared']]);
  });
});
