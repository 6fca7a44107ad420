import assert from 'node:assert/strict';
import type { AnomalyEvent } from '@gridsight/contracts';
import { decide, type DedupeSettings, type Decision } from '../../src/core/dedupe.js';
import type { IncidentState } from '../../src/core/incidentState.js';
import { closeIncident } from '../../src/core/closeIncident.js';
import { anomalyEvent, camera, offset } from '../support/events.js';

const settings: DedupeSettings = { mergeRadiusM: 15, accuracyCapM: 10 };
const origin = { lat: 52.52, lon: 13.405 };

/** Feeds events through decide the way the processor does, keeping the incidents it returns. */
function run(events: AnomalyEvent[], initial: IncidentState[] = []): { incidents: Map<string, IncidentState>; decisions: Decision[] } {
  const incidents = new Map(initial.map((i) => [i.incidentId, i]));
  const decisions = events.map((event) => {
    const decision = decide({ event }, [...incidents.values()], settings);
    if (decision.change) incidents.set(decision.change.incident.incidentId, decision.change.incident);
    return decision;
  });
  return { incidents, decisions };
}

const changes = (decisions: Decision[]) => decisions.map((d) => d.change?.change ?? 'none');

describe('dedupe', () => {
  it('opens an incident for a first detection', () => {
    const { incidents, decisions } = run([anomalyEvent({ confidence: 0.7 })]);
    assert.deepEqual(changes(decisions), ['opened']);
    const [incident] = incidents.values();
    assert.equal(incident!.status, 'open');
    assert.equal(incident!.version, 1);
    assert.equal(incident!.sightings, 1);
    assert.equal(incident!.maxConfidence, 0.7);
  });

  it('merges three cameras seeing one pile into one incident with three sources', () => {
    const { incidents, decisions } = run([
      anomalyEvent({ source: camera('cam-a'), ...offset(origin, 0), confidence: 0.6, at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ source: camera('cam-b', 'gw-2'), ...offset(origin, 6, 3), confidence: 0.9, at: '2026-11-28T10:00:05Z' }),
      anomalyEvent({ source: camera('cam-c', 'gw-3'), ...offset(origin, -5, -8), confidence: 0.7, at: '2026-11-28T10:00:02Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'updated', 'updated']);
    assert.equal(incidents.size, 1);
    const [incident] = incidents.values();
    assert.equal(incident!.sightings, 3);
    assert.equal(incident!.sources.length, 3);
    assert.equal(incident!.maxConfidence, 0.9);
    assert.equal(incident!.firstSeenAt, '2026-11-28T10:00:00.000Z');
    assert.equal(incident!.lastSeenAt, '2026-11-28T10:00:05.000Z');
    assert.equal(incident!.version, 3);
    assert.deepEqual(incident!.raisedBy, camera('cam-a'));
  });

  it('merges a citizen report and a sensor with a camera sighting of the same kind', () => {
    const citizen = { type: 'citizen' as const, gatewayId: 'open311', deviceId: 'report-9' };
    const sensor = { type: 'sensor' as const, gatewayId: 'gw-4', deviceId: 'tilt-1' };
    const { incidents } = run([
      anomalyEvent({ kind: 'manhole_open' }),
      anomalyEvent({ kind: 'manhole_open', source: citizen, ...offset(origin, 10) }),
      anomalyEvent({ kind: 'manhole_open', source: sensor, ...offset(origin, -4) }),
    ]);
    assert.equal(incidents.size, 1);
  });

  it('keeps different kinds and far-apart sightings apart', () => {
    const { incidents } = run([
      anomalyEvent(),
      anomalyEvent({ kind: 'manhole_open' }),
      anomalyEvent({ ...offset(origin, 40) }),
    ]);
    assert.equal(incidents.size, 3);
  });

  it('widens the radius by the position accuracy, up to the cap', () => {
    const near = run([anomalyEvent({ accuracyM: 1 }), anomalyEvent({ ...offset(origin, 20), accuracyM: 8 })]);
    assert.equal(near.incidents.size, 1, '20 m apart with 8 m accuracy is within 15 + 8');
    const capped = run([anomalyEvent({ accuracyM: 1 }), anomalyEvent({ ...offset(origin, 30), accuracyM: 5000 })]);
    assert.equal(capped.incidents.size, 2, 'a 5 km accuracy widens the radius by the 10 m cap only');
  });

  it('joins the nearest of two live incidents', () => {
    const { incidents, decisions } = run([anomalyEvent(), anomalyEvent({ ...offset(origin, 24) }), anomalyEvent({ ...offset(origin, 16) })]);
    assert.equal(incidents.size, 2);
    assert.equal(decisions[2]!.incidentId, decisions[1]!.incidentId);
  });

  it('clears the incident when the only camera that saw it reports cleared, naming that camera', () => {
    const { incidents, decisions } = run([
      anomalyEvent({ at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ type: 'cleared', at: '2026-11-28T10:05:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'cleared']);
    const [incident] = incidents.values();
    assert.equal(incident!.status, 'cleared');
    assert.deepEqual(incident!.clearedBy, camera('cam-1'));
    assert.equal(incident!.clearedAt, '2026-11-28T10:05:00.000Z');
  });

  it('stays open while another camera still sees it, and says so with an update', () => {
    const { incidents, decisions } = run([
      anomalyEvent({ source: camera('cam-a'), at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ source: camera('cam-b'), at: '2026-11-28T10:00:01Z' }),
      anomalyEvent({ type: 'cleared', source: camera('cam-a'), at: '2026-11-28T10:05:00Z' }),
      anomalyEvent({ type: 'cleared', source: camera('cam-b'), at: '2026-11-28T10:06:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'updated', 'updated', 'cleared']);
    assert.deepEqual([...incidents.values()][0]!.clearedBy, camera('cam-b'));
  });

  it('does not let a citizen report hold an incident open', () => {
    const citizen = { type: 'citizen' as const, gatewayId: 'open311', deviceId: 'report-1' };
    const { decisions } = run([
      anomalyEvent({ source: citizen, at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ source: camera('cam-a'), at: '2026-11-28T10:01:00Z' }),
      anomalyEvent({ type: 'cleared', source: camera('cam-a'), at: '2026-11-28T10:05:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'updated', 'cleared']);
  });

  it('ignores a cleared report with no live incident near it', () => {
    const { incidents, decisions } = run([anomalyEvent({ type: 'cleared' })]);
    assert.equal(incidents.size, 0);
    assert.deepEqual(decisions, [{}]);
  });

  it('reopens a cleared incident when the problem is seen again after the clearing', () => {
    const { incidents, decisions } = run([
      anomalyEvent({ at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ type: 'cleared', at: '2026-11-28T10:05:00Z' }),
      anomalyEvent({ type: 'detected', at: '2026-11-28T10:30:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'cleared', 'reopened']);
    const [incident] = incidents.values();
    assert.equal(incident!.status, 'open');
    assert.equal(incident!.clearedAt, undefined);
    assert.equal(incident!.version, 3);
  });

  it('treats a late sighting from before the clearing as an update, not a reopening', () => {
    const { incidents, decisions } = run([
      anomalyEvent({ at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ type: 'cleared', at: '2026-11-28T10:05:00Z' }),
      anomalyEvent({ type: 'updated', at: '2026-11-28T10:03:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'cleared', 'updated']);
    assert.equal([...incidents.values()][0]!.status, 'cleared');
  });

  it('counts a camera as still seeing it when its sighting is newer than its own clearing, whatever the arrival order', () => {
    const { decisions } = run([
      anomalyEvent({ source: camera('cam-a'), at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ source: camera('cam-b'), at: '2026-11-28T10:00:00Z' }),
      anomalyEvent({ type: 'cleared', source: camera('cam-b'), at: '2026-11-28T10:01:00Z' }),
      anomalyEvent({ type: 'updated', source: camera('cam-b'), at: '2026-11-28T10:02:00Z' }),
      anomalyEvent({ type: 'cleared', source: camera('cam-a'), at: '2026-11-28T10:03:00Z' }),
    ]);
    assert.deepEqual(changes(decisions), ['opened', 'updated', 'updated', 'updated', 'updated'], 'cam-b saw it again after its own clearing');
  });

  it('opens a new incident linked to the closed one at the same place', () => {
    const first = run([anomalyEvent({ at: '2026-11-28T10:00:00Z' })]);
    const [opened] = first.incidents.values();
    const closed = closeIncident(opened!, {
      transition: 'closed',
      at: '2026-11-28T12:00:00Z',
    } as Parameters<typeof closeIncident>[1])!;
    assert.equal(closed.status, 'closed');
    const { incidents, decisions } = run([anomalyEvent({ at: '2026-11-29T09:00:00Z' })], [closed]);
    assert.deepEqual(changes(decisions), ['opened']);
    assert.equal(incidents.size, 2);
    assert.equal(decisions[0]!.change!.incident.previousIncidentId, opened!.incidentId);
  });

  it('among live incidents at the same distance joins the one first seen, then the lowest id, whatever their order', () => {
    const base = run([anomalyEvent({ at: '2026-11-28T10:00:00Z' })]).incidents.values().next().value!;
    const at = (incidentId: string, firstSeenAt: string): IncidentState => ({ ...base, incidentId, firstSeenAt });
    const candidates = [at('0000000c-0000-7000-8000-000000000000', '2026-11-28T09:00:00.000Z'), at('0000000b-0000-7000-8000-000000000000', '2026-11-28T08:00:00.000Z'), at('0000000a-0000-7000-8000-000000000000', '2026-11-28T08:00:00.000Z')];
    for (const nearby of [candidates, [...candidates].reverse()]) {
      assert.equal(decide({ event: anomalyEvent({ at: '2026-11-28T11:00:00Z' }) }, nearby, settings).incidentId, '0000000a-0000-7000-8000-000000000000');
    }
  });

  it('links a new incident to the most recently closed one in reach, the nearer of two closed at once', () => {
    const base = run([anomalyEvent({ at: '2026-11-28T10:00:00Z' })]).incidents.values().next().value!;
    const closedAt = (incidentId: string, at: string, metres: number): IncidentState => ({
      ...base,
      incidentId,
      status: 'closed',
      closedAt: at,
      location: { lat: offset(origin, metres).lat, lon: offset(origin, metres).lon },
    });
    const older = closedAt('0000000a-0000-7000-8000-000000000000', '2026-11-28T11:00:00.000Z', 0);
    const newerFar = closedAt('0000000b-0000-7000-8000-000000000000', '2026-11-28T12:00:00.000Z', 10);
    const newerNear = closedAt('0000000c-0000-7000-8000-000000000000', '2026-11-28T12:00:00.000Z', 5);
    for (const nearby of [[older, newerFar, newerNear], [newerNear, newerFar, older]]) {
      const decision = decide({ event: anomalyEvent({ at: '2026-11-29T09:00:00Z' }) }, nearby, settings);
      assert.equal(decision.change!.incident.previousIncidentId, newerNear.incidentId);
    }
  });

  it('keeps the snapshot of the most confident sighting', () => {
    const incidents = new Map<string, IncidentState>();
    const feed = (event: AnomalyEvent, snapshotId?: string) => {
      const decision = decide({ event, ...(snapshotId ? { snapshotId } : {}) }, [...incidents.values()], settings);
      incidents.set(decision.change!.incident.incidentId, decision.change!.incident);
    };
    feed(anomalyEvent({ confidence: 0.5 }), '00000000-0000-4000-8000-000000000001');
    feed(anomalyEvent({ confidence: 0.9 }), '00000000-0000-4000-8000-000000000002');
    feed(anomalyEvent({ confidence: 0.7 }), '00000000-0000-4000-8000-000000000003');
    feed(anomalyEvent({ confidence: 0.95 }));
    const [incident] = incidents.values();
    assert.equal(incident!.bestSnapshotId, '00000000-0000-4000-8000-000000000002');
    assert.equal(incident!.maxConfidence, 0.95);
  });

  it('derives the incident id from the raising event, so deciding twice gives the same id', () => {
    const event = anomalyEvent();
    assert.equal(decide({ event }, [], settings).incidentId, decide({ event }, [], settings).incidentId);
  });
});

describe('closeIncident', () => {
  const opened = run([anomalyEvent()]).decisions[0]!.change!.incident;
  const ticketEvent = (transition: string) => ({ transition, at: '2026-11-28T12:00:00Z' }) as Parameters<typeof closeIncident>[1];

  it('closes on a verified, closed or cancelled ticket', () => {
    assert.equal(closeIncident(opened, ticketEvent('verified'))!.status, 'closed');
    assert.equal(closeIncident(opened, ticketEvent('closed'))!.status, 'closed');
    assert.equal(closeIncident(opened, ticketEvent('cancelled'))!.version, 2);
  });

  it('changes nothing for other transitions or an incident already closed', () => {
    assert.equal(closeIncident(opened, ticketEvent('resolved')), undefined);
    assert.equal(closeIncident(closeIncident(opened, ticketEvent('closed'))!, ticketEvent('closed')), undefined);
  });
});
