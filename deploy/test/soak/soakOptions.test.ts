import assert from 'node:assert/strict';
import { parseDuration, parseSoakOptions, SoakUsageError } from '../../src/soak/soakOptions.js';

const usage = (pattern: RegExp) => (error: unknown) => error instanceof SoakUsageError && pattern.test(error.message);

describe('soak options', () => {
  it('defaults to 30 minutes at 50 events/s from 12 gateways, with a 5-minute warm-up', () => {
    const options = parseSoakOptions([], '/out');
    assert.deepEqual(options, { durationS: 1800, rate: 50, gateways: 12, sampleEveryS: 15, warmupS: 300, maxSlopeMbPerHour: 30, newProblemEveryS: 30, outDir: '/out' });
  });

  it('takes durations in s, m and h, and shortens the default warm-up for a short run', () => {
    assert.equal(parseDuration('90', 'x'), 90);
    assert.equal(parseDuration('1.5h', 'x'), 5400);
    const options = parseSoakOptions(['--duration', '5m', '--rate', '120', '--gateways', '24', '--sample-every', '10s', '--data-dir', '/tmp/soak'], '/out');
    assert.equal(options.durationS, 300);
    assert.equal(options.warmupS, 60);
    assert.equal(options.dataDir, '/tmp/soak');
  });

  it('refuses what it cannot honour, naming the option', () => {
    assert.throws(() => parseSoakOptions(['--duration', 'soon'], '/out'), usage(/^--duration: "soon" is not a duration/));
    assert.throws(() => parseSoakOptions(['--gateways', '2.5'], '/out'), usage(/^--gateways: "2.5" is not a positive whole number/));
    assert.throws(() => parseSoakOptions(['--rate', '1000'], '/out'), usage(/^--rate: 1000\/s over 12 gateways is more than 40\/s each/));
    assert.throws(() => parseSoakOptions(['--duration', '5m', '--warmup', '5m'], '/out'), usage(/^--warmup: must be shorter/));
    assert.throws(() => parseSoakOptions(['--duration', '60s', '--sample-every', '20s'], '/out'), usage(/^--sample-every: leaves fewer than 3 samples/));
    assert.throws(() => parseSoakOptions(['--speed', 'fast'], '/out'), usage(/speed/));
  });
});
