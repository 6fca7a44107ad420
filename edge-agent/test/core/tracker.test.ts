import { strict as assert } from 'node:assert';
import { EMPTY_TRACKER, median, stepTracker, type TrackerParams, type TrackerState, type TrackEvent } from '../../src/core/tracker.js';
import type { ScoredBox } from '../../src/core/zones.js';

const params: TrackerParams = {
  matchIou: 0.3,
  confirmHits: 3,
  confirmWindow: 5,
  confirmMedianScore: 0.5,
  clearAfterMs: 30_000,
  stillPresentEveryMs: 600_000,
  changedBelowIou: 0.5,
};
const pile = (score: number, dx = 0): ScoredBox => ({ className: 'garbage_pile', score, box: [0.4 + dx, 0.5, 0.2, 0.2] });

/** Runs one frame per second through the tracker; `frames[i]` are the detections of second i. */
function run(frames: ScoredBox[][], start = 0, from: TrackerState = EMPTY_TRACKER): { state: TrackerState; events: Array<TrackEvent & { at: number }> } {
  let state = from;
  const events: Array<TrackEvent & { at: number }> = [];
  frames.forEach((detections, i) => {
    const at = start + i * 1000;
    const step = stepTracker(state, detections, at, params, 'cam1-');
    state = step.state;
    events.push(...step.events.map((event) => ({ ...event, at })));
  });
  return { state, events };
}

describe('tracker', () => {
  it('takes the median of odd and even counts', () => {
    assert.equal(median([0.9, 0.1, 0.5]), 0.5);
    assert.equal(median([0.2, 0.4, 0.6, 0.8]), 0.5);
  });

  it('confirms an object seen in 3 of the last 5 frames with a high median score, once', () => {
    const { events } = run([[pile(0.8)], [], [pile(0.7)], [pile(0.9)], [pile(0.8)], [pile(0.8)]]);
    assert.deepEqual(events.map((e) => [e.type, e.at, e.track.id]), [['detected', 3000, 'cam1-1']]);
    assert.equal(events[0]?.confidence, 0.8);
  });

  it('does not confirm a flicker seen in 2 of 5 frames', () => {
    const { events, state } = run([[pile(0.9)], [], [], [pile(0.9)], [], [], [], [], []]);
    assert.deepEqual(events, []);
    assert.equal(state.tracks.length, 0, 'a track with no hits left in its window is forgotten');
  });

  it('does not confirm when the median score is below the threshold even if one frame scores high', () => {
    const { events } = run([[pile(0.95)], [pile(0.3)], [pile(0.35)], [pile(0.4)], [pile(0.3)]]);
    assert.deepEqual(events, []);
  });

  it('keeps one track for a stationary pile and says still-present every 10 minutes', () => {
    const frames = Array.from({ length: 1300 }, () => [pile(0.8)]);
    const { events, state } = run(frames);
    assert.deepEqual(events.map((e) => [e.type, e.at]), [['detected', 2000], ['updated', 602_000], ['updated', 1_202_000]]);
    assert.equal(state.tracks.length, 1);
    assert.ok(events.every((e) => e.track.id === 'cam1-1'));
  });

  it('reports an object that moved off its announced box as updated at once', () => {
    const { events } = run([[pile(0.8)], [pile(0.8)], [pile(0.8)], [pile(0.8, 0.05)], [pile(0.8, 0.1)], [pile(0.8, 0.15)]]);
    assert.deepEqual(events.map((e) => [e.type, e.at]), [['detected', 2000], ['updated', 4000]]);
  });

  it('clears a confirmed track absent for T seconds, and not before', () => {
    const seen = [[pile(0.8)], [pile(0.8)], [pile(0.8)]];
    const gone = Array.from({ length: 40 }, () => []);
    const { events, state } = run([...seen, ...gone]);
    assert.deepEqual(events.map((e) => [e.type, e.at]), [['detected', 2000], ['cleared', 32_000]]);
    assert.equal(state.tracks.length, 0);
  });

  it('keeps the same track when a confirmed object is missed for a while and comes back', () => {
    const frames = [[pile(0.8)], [pile(0.8)], [pile(0.8)], ...Array.from({ length: 20 }, () => []), [pile(0.8)], [pile(0.8)]];
    const { events, state } = run(frames);
    assert.deepEqual(events.map((e) => e.type), ['detected']);
    assert.equal(state.tracks[0]?.id, 'cam1-1');
  });

  it('tracks two objects of different classes at the same place apart', () => {
    const hole = { className: 'manhole_open', score: 0.9, box: [0.4, 0.5, 0.2, 0.2] as const };
    const { events } = run([[pile(0.8), hole], [pile(0.8), hole], [pile(0.8), hole]]);
    assert.deepEqual(events.map((e) => [e.type, e.track.className, e.track.id]), [
      ['detected', 'garbage_pile', 'cam1-1'],
      ['detected', 'manhole_open', 'cam1-2'],
    ]);
  });
});
