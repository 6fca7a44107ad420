import assert from 'node:assert/strict';
import type { DemoScene, DemoStreet } from '../../src/sim/demoStreet.js';
import { framesFor, initialStreet, stepStreet, type TicketState } from '../../src/sim/streetDirector.js';

const frame = (file: string, role: 'problem' | 'clear'): DemoScene => ({
  file,
  seed: 0,
  role,
  size: [640, 360],
  camera: { heightM: 5, pitchDeg: 30, yawDeg: 0, horizontalFovDeg: 60, verticalFovDeg: 35 },
});
const pose = { lat: 0, lon: 0, headingDeg: 0, pitchDeg: 30, heightM: 5, horizontalFovDeg: 60, verticalFovDeg: 35, positionAccuracyM: 1, maxRangeM: 60 };
const street: DemoStreet = {
  gatewayId: 'gw',
  cellId: 'C',
  cameras: [
    { id: 'a', pose, problemScene: frame('a-pile.jpg', 'problem'), clearScene: frame('a-clear.jpg', 'clear') },
    { id: 'b', pose, problemScene: frame('b-pile.jpg', 'problem'), clearScene: frame('b-clear.jpg', 'clear') },
  ],
  problems: [
    { id: 'pile', kind: 'garbage_pile', location: { lat: 0, lon: 0 }, cameraIds: ['a'], appearAfterMs: 0 },
    { id: 'later', kind: 'manhole_open', location: { lat: 0, lon: 0 }, cameraIds: ['b'], appearAfterMs: 10_000 },
  ],
  sensors: [],
};
const timing = { startedAtMs: 1000, reappearAfterMs: 60_000 };
const tickets = (state: TicketState) => () => state;

describe('demo street director', () => {
  it('puts each problem on the street at its time; the cameras show their problem frame only then', () => {
    const atStart = stepStreet(street, initialStreet(street), 1000, tickets('none'), timing);
    assert.deepEqual(framesFor(street, atStart), { a: 'a-pile.jpg', b: 'b-clear.jpg' });
    const later = stepStreet(street, atStart, 11_000, tickets('none'), timing);
    assert.deepEqual(framesFor(street, later), { a: 'a-pile.jpg', b: 'b-pile.jpg' });
  });

  it('keeps a problem while its ticket is open, and cleans it up once the ticket is resolved', () => {
    const present = stepStreet(street, initialStreet(street), 1000, tickets('none'), timing);
    assert.equal(stepStreet(street, present, 5000, tickets('open'), timing)['pile']!.phase, 'present');
    const fixed = stepStreet(street, present, 5000, tickets('fixed'), timing);
    assert.deepEqual(fixed['pile'], { phase: 'fixed', sinceMs: 5000 });
    assert.equal(framesFor(street, fixed)['a'], 'a-clear.jpg');
  });

  it('brings a cleaned-up problem back after a while, whatever the old ticket says', () => {
    const fixed = { pile: { phase: 'fixed', sinceMs: 5000 }, later: { phase: 'waiting' } } as const;
    assert.equal(stepStreet(street, fixed, 64_999, tickets('fixed'), timing)['pile']!.phase, 'fixed');
    assert.deepEqual(stepStreet(street, fixed, 65_000, tickets('fixed'), timing)['pile'], { phase: 'present', sinceMs: 65_000 });
  });
});
