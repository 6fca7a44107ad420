import assert from 'node:assert/strict';
import type { AnomalyEvent } from '@gridsight/contracts';
import { coalesceChanges, type DecidedChange } from '../../src/core/announcements.js';
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
      ['updated', 2, 'cam-a', 5],
      ['updated', 3, 'cam-b', 6],
    ]);
    assert.equal(announcements[1]!.incident.lastSeenAt, at(4), "the raiser's announcement carries the state as of its own sighting");
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
        ['updated', 3, 'cleared'],
        ['cleared', 4, 'cleared'],
        ['reopened', 5, 'updated'],
        ['updated', 6, 'updated'],
      ],
    );
  });

  it('numbers versions on from the version the incident had before the batch', () => {
    const [first] = decideAll([anomalyEvent({ source: raiser, ...place, at: at(0) })]);
    const before = { ...first!.incident, version: 7 };
    const events = [1, 2, 3].map((m) => anomalyEvent({ source: other, ...offset(place, 3), type: 'updated', at: at(m) }));
    const { announcements, latest } = coalesceChanges(decideAll(events, [before]));
    assert.deepEqual(summary(announcements), [['updated', 8, 'cam-b', 4]]);
    assert.equal(latest.get(before.incidentId)!.version, 8);
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
    const isNews = (c: DecidedChange) => c.change !== 'updated' || c.cause.type === 'cleared';
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
    assert.deepEqual(coalesced.map((c) => c.incident.version), [1, 2, 3, 4, 5], 'versions count announcements');
  });
});
