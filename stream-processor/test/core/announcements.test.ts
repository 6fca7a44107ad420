import assert from 'node:assert/strict';
import type { AnomalyEvent } from '@gridsight/contracts';
import { coalesceChanges, releaseHeld, type DecidedChange } from '../../src/core/announcements.js';
import { decide, type DedupeSettings } from '../../src/core/dedupe.js';
import type { IncidentState } from '../../src/core/incidentState.js';
import { anomalyEvent, camera, offset } from '../support/events.js';

const settings: DedupeSettings = { mergeRadiusM: 15, accuracyCapM: 10 };
const place = { lat: 52.52, lon: 13.405 };
const raiser = camera('cam-a');
const other = camera('cam-b', 'gw-2');
const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 28, 10, minute, second)).toISOString();

/** Decides events one by one, as the processor does within a batch, collecting every change. */
function decideAll(events: AnomalyEvent[], initial: IncidentState[] = []): DecidedChange[] {
  const incidents = new Map(initial.map((i) => [i.incidentId, i]));
  return events.flatMap((event) => {
    const decision = decide({ event }, [...incidents.values()], settings);
    if (!decision.change) return [];
    incidents.set(decision.change.incident.incidentId, decision.change.incident);
    return [{ change: decision.change.change, incident: decision.change.incident, cause: event }];
  });
}

const summary = (changes: DecidedChange[]) => changes.map((c) => [c.change, c.incident.version, c.cause.source.deviceId, c.incident.sightings]);

describe('coalesceChanges', () => {
  it('announces a run of sightings by the raising camera once, with the state after the last', () => {
    const events = [0, 1, 2, 3].map((m) => anomalyEvent({ source: raiser, ...place, type: m === 0 ? 'detected' : 'updated', at: at(m) }));
    const { announcements, latest } = coalesceChanges(decideAll(events));
    assert.deepEqual(summary(announcements), [
      ['opened', 1, 'cam-a', 1],
      ['updated', 2, 'cam-a', 4],
    ]);
    const [incident] = latest.values();
    assert.equal(incident!.version, 2, 'the stored version is that of the last announcement');
    assert.equal(incident!.sightings, 4);
    assert.equal(incident!.lastSeenAt, at(3));
  });

  it("keeps the raiser's last sighting of a run when another camera's comes after it", () => {
    const events = [
      anomalyEvent({ source: raiser, ...place, at: at(0) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(1) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(2) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(3) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(4) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(5) }),
    ];
    const { announcements } = coalesceChanges(decideAll(events));
    assert.deepEqual(summary(announcements), [
      ['opened', 1, 'cam-a', 1],
      ['updated', 2, 'cam-b', 2],
      ['updated', 3, 'cam-a', 5],
      ['updated', 4, 'cam-b', 6],
    ]);
    assert.equal(announcements[2]!.incident.lastSeenAt, at(4), "the raiser's announcement carries the state as of its own sighting");
  });

  it('announces every clearing report, status change and reopening on its own, coalescing only the sightings between them', () => {
    const events = [
      anomalyEvent({ source: raiser, ...place, at: at(0) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(1) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(2) }),
      anomalyEvent({ source: raiser, ...place, type: 'cleared', at: at(3) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'cleared', at: at(4) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(5) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(6) }),
    ];
    const { announcements } = coalesceChanges(decideAll(events));
    assert.deepEqual(
      announcements.map((a) => [a.change, a.incident.version, a.cause.type]),
      [
        ['opened', 1, 'detected'],
        ['updated', 2, 'updated'],
        ['updated', 3, 'updated'],
        ['updated', 4, 'cleared'],
        ['cleared', 5, 'cleared'],
        ['reopened', 6, 'updated'],
        ['updated', 7, 'updated'],
      ],
    );
  });

  it('numbers versions on from the version the incident had before the batch', () => {
    const [first] = decideAll([anomalyEvent({ source: raiser, ...place, at: at(0) })]);
    const before = { ...first!.incident, version: 7 };
    const events = [1, 2, 3].map((m) => anomalyEvent({ source: raiser, ...offset(place, 3), type: 'updated', at: at(m) }));
    const { announcements, latest } = coalesceChanges(decideAll(events, [before]), new Map([[before.incidentId, before]]));
    assert.deepEqual(summary(announcements), [['updated', 8, 'cam-a', 4]]);
    assert.equal(latest.get(before.incidentId)!.version, 8);
  });

  it('announces a sighting by a source the incident had not seen at once, coalescing its later ones', () => {
    const [first] = decideAll([anomalyEvent({ source: raiser, ...place, at: at(0) })]);
    const events = [1, 2, 3].map((m) => anomalyEvent({ source: other, ...offset(place, 3), type: 'updated', at: at(m) }));
    const { announcements } = coalesceChanges(decideAll(events, [first!.incident]), new Map([[first!.incident.incidentId, first!.incident]]));
    assert.deepEqual(summary(announcements), [
      ['updated', 2, 'cam-b', 2],
      ['updated', 3, 'cam-b', 4],
    ]);
  });

  it('keeps each incident apart and the decided order across incidents', () => {
    const far = offset(place, 500);
    const events = [
      anomalyEvent({ source: raiser, ...place, at: at(0) }),
      anomalyEvent({ source: other, ...far, at: at(0, 30) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(1) }),
      anomalyEvent({ source: other, ...far, type: 'updated', at: at(2) }),
    ];
    const { announcements, latest } = coalesceChanges(decideAll(events));
    assert.deepEqual(summary(announcements), [
      ['opened', 1, 'cam-a', 1],
      ['opened', 1, 'cam-b', 1],
      ['updated', 2, 'cam-a', 2],
      ['updated', 2, 'cam-b', 2],
    ]);
    assert.equal(latest.size, 2);
  });

  it('keeps everything dispatch acts on: each status change and clearing report, and the raising camera’s latest sighting between them', () => {
    // Dispatch verifies a resolved ticket on a `cleared` change or the raiser's clearing report,
    // and reopens it on a raiser-caused change whose lastSeenAt is past the grace.
    const events = [
      anomalyEvent({ source: raiser, ...place, at: at(0) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(1) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(2, 30) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(4) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(5) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(6) }),
      anomalyEvent({ source: raiser, ...place, type: 'cleared', at: at(7) }),
      anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(8) }),
      anomalyEvent({ source: raiser, ...place, type: 'updated', at: at(9) }),
    ];
    const every = decideAll(events);
    const coalesced = coalesceChanges(every).announcements;
    assert.ok(coalesced.length < every.length, 'some sightings were coalesced');
    const withoutVersion = (c: DecidedChange) => ({ change: c.change, cause: c.cause.eventId, incident: { ...c.incident, version: 0 } });
    const seen = new Set<string>();
    const firstOfSource = new Set(every.filter((c) => !seen.has(c.cause.source.deviceId) && seen.add(c.cause.source.deviceId)).map((c) => c.cause.eventId));
    const isNews = (c: DecidedChange) => c.change !== 'updated' || c.cause.type === 'cleared' || firstOfSource.has(c.cause.eventId);
    assert.deepEqual(coalesced.filter(isNews).map(withoutVersion), every.filter(isNews).map(withoutVersion));
    const raisersLastBetweenNews = (changes: DecidedChange[]) => {
      const kept: DecidedChange[] = [];
      let last: DecidedChange | undefined;
      for (const c of changes) {
        if (isNews(c)) {
          if (last) kept.push(last);
          last = undefined;
        } else if (c.cause.source.deviceId === raiser.deviceId) last = c;
      }
      if (last) kept.push(last);
      return kept.map(withoutVersion);
    };
    assert.deepEqual(raisersLastBetweenNews(coalesced), raisersLastBetweenNews(every));
    assert.deepEqual(withoutVersion(coalesced.at(-1)!).incident, withoutVersion(every.at(-1)!).incident, 'the last announcement carries the final state');
    assert.deepEqual(coalesced.map((c) => c.incident.version), [1, 2, 3, 4, 5, 6], 'versions count announcements');
  });
});

describe('coalesceChanges across batches (the sighting throttle)', () => {
  const interval = 3_000;
  const clock = (ms: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + ms);

  /** One batch as the processor runs it: decided against the stored incidents, then coalesced under the throttle. */
  function batch(stored: IncidentState[], events: AnomalyEvent[], nowMs: number) {
    const result = coalesceChanges(decideAll(events, stored), new Map(stored.map((i) => [i.incidentId, i])), { sightingIntervalMs: interval, now: clock(nowMs) });
    const next = new Map(stored.map((i) => [i.incidentId, i]));
    for (const [id, incident] of result.latest) next.set(id, incident);
    return { ...result, stored: [...next.values()] };
  }
  const sightingBy = (source = raiser, minute = 1, second = 0) => anomalyEvent({ source, ...(source === raiser ? place : offset(place, 4)), type: 'updated', at: at(minute, second) });

  it('holds plain sightings within the interval and keeps the state, its version that of the last announcement', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) })], 0);
    assert.deepEqual(summary(first.announcements), [['opened', 1, 'cam-a', 1]]);
    const latestSighting = sightingBy(raiser, 0, 20);
    const second = batch(first.stored, [sightingBy(raiser, 0, 10), latestSighting], 1_000);
    assert.deepEqual(second.announcements, []);
    const [incident] = second.stored;
    assert.equal(incident!.version, 1);
    assert.equal(incident!.sightings, 3);
    assert.equal(incident!.lastSeenAt, at(0, 20));
    assert.equal(incident!.held?.last.eventId, latestSighting.eventId);
    assert.equal(incident!.held?.dueAt, clock(interval).toISOString(), 'due one interval after the last announcement');
  });

  it('announces the held run with the latest state once the interval has passed at a later batch', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) })], 0);
    const held = batch(first.stored, [sightingBy(raiser, 0, 10)], 1_000);
    const later = sightingBy(raiser, 0, 30);
    const third = batch(held.stored, [later], 3_500);
    assert.deepEqual(summary(third.announcements), [['updated', 2, 'cam-a', 3]]);
    assert.equal(third.announcements[0]!.cause.eventId, later.eventId);
    assert.equal(third.stored[0]!.held, undefined);
    assert.equal(third.stored[0]!.announcedAt, clock(3_500).toISOString());
  });

  it("keeps the raiser's held sighting, with the state as of it, when another source's sighting follows in a later batch", () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) }), anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(0, 5) })], 0);
    assert.equal(first.announcements.length, 2, 'opened, and the new source at once');
    const raisersSighting = sightingBy(raiser, 0, 10);
    const held = batch(first.stored, [raisersSighting], 500);
    const held2 = batch(held.stored, [sightingBy(other, 0, 20)], 1_000);
    assert.equal(held2.stored[0]!.held?.raiser?.cause.eventId, raisersSighting.eventId);
    const due = batch(held2.stored, [sightingBy(other, 0, 40)], 4_000);
    assert.deepEqual(summary(due.announcements), [
      ['updated', 3, 'cam-a', 3],
      ['updated', 4, 'cam-b', 5],
    ]);
    assert.equal(due.announcements[0]!.incident.lastSeenAt, at(0, 10), "the raiser's announcement keeps the state dispatch would have seen");
    assert.equal(due.stored[0]!.version, 4);
  });

  it('announces clearing reports, new sources and reopenings at once, after the sightings held before them', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) })], 0);
    const held = batch(first.stored, [sightingBy(raiser, 0, 10)], 200);
    const newSource = batch(held.stored, [sightingBy(other, 0, 20)], 400);
    assert.deepEqual(summary(newSource.announcements), [
      ['updated', 2, 'cam-a', 2],
      ['updated', 3, 'cam-b', 3],
    ]);
    const held2 = batch(newSource.stored, [sightingBy(raiser, 0, 30)], 600);
    assert.deepEqual(held2.announcements, []);
    const clearing = anomalyEvent({ source: raiser, ...place, type: 'cleared', at: at(0, 40) });
    const cleared = batch(held2.stored, [clearing], 800);
    assert.deepEqual(
      cleared.announcements.map((a) => [a.change, a.incident.version, a.cause.type]),
      [
        ['updated', 4, 'updated'],
        ['updated', 5, 'cleared'],
      ],
      "the raiser's clearing report is not delayed, and comes after the sighting it follows",
    );
    const reopened = batch(
      batch(cleared.stored, [anomalyEvent({ source: other, ...offset(place, 4), type: 'cleared', at: at(0, 50) })], 900).stored,
      [sightingBy(raiser, 1, 0)],
      1_000,
    );
    assert.deepEqual(summary(reopened.announcements), [['reopened', 7, 'cam-a', 5]]);
  });

  it('announces every batch with no interval, releasing what an earlier setting held', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) })], 0);
    const held = batch(first.stored, [sightingBy(raiser, 0, 10)], 100);
    const stored = held.stored;
    const events = [sightingBy(raiser, 0, 20)];
    const { announcements } = coalesceChanges(decideAll(events, stored), new Map(stored.map((i) => [i.incidentId, i])), { sightingIntervalMs: 0, now: clock(200) });
    assert.deepEqual(summary(announcements), [['updated', 2, 'cam-a', 3]]);
  });

  it('releases held sightings as the trailing announcement: the raiser’s first, then the latest, with nothing held after', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) }), anomalyEvent({ source: other, ...offset(place, 4), type: 'updated', at: at(0, 5) })], 0);
    const held = batch(first.stored, [sightingBy(raiser, 0, 10), sightingBy(other, 0, 20)], 500);
    const { announcements, incident } = releaseHeld(held.stored[0]!, clock(3_000));
    assert.deepEqual(summary(announcements), [
      ['updated', 3, 'cam-a', 3],
      ['updated', 4, 'cam-b', 4],
    ]);
    assert.equal(announcements[0]!.incident.lastSeenAt, at(0, 10));
    assert.equal(incident.version, 4);
    assert.equal(incident.held, undefined);
    assert.equal(incident.announcedAt, clock(3_000).toISOString());
    assert.deepEqual(releaseHeld(incident, clock(4_000)), { announcements: [], incident }, 'nothing held, nothing announced');
  });

  it('keeps only what an announcement names of a held cause, not the event (its snapshot)', () => {
    const first = batch([], [anomalyEvent({ source: raiser, ...place, at: at(0) })], 0);
    const withSnapshot = { ...sightingBy(raiser, 0, 10), snapshot: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==' };
    const held = batch(first.stored, [withSnapshot], 100);
    assert.deepEqual(Object.keys(held.stored[0]!.held!.last).sort(), ['eventId', 'observedAt', 'source', 'type']);
  });
});
