import assert from 'node:assert/strict';
import type { IncidentEvent } from '@gridsight/contracts';
import { verificationFor } from '../../src/core/verification.js';

const camera = { type: 'camera' as const, gatewayId: 'gw-1', deviceId: 'cam-1' };
const otherCamera = { type: 'camera' as const, gatewayId: 'gw-2', deviceId: 'cam-9' };
const resolvedAt = new Date('2026-11-28T09:00:00.000Z');

function event(change: IncidentEvent['change'], causeSource = camera, lastSeenAt = '2026-11-28T09:10:00.000Z', causeType: 'detected' | 'updated' | 'cleared' = change === 'cleared' ? 'cleared' : 'updated'): IncidentEvent {
  return {
    schema: 'incident/v1',
    eventId: '01938a6e-0000-7000-8000-000000000001',
    change,
    version: 3,
    at: lastSeenAt,
    cause: { eventId: '01938a6e-0000-7000-8000-000000000002', type: causeType, source: causeSource },
    incident: {
      incidentId: '01938a6e-0000-7000-8000-0000000000aa',
      kind: 'manhole_open',
      status: change === 'cleared' ? 'cleared' : change === 'closed' ? 'closed' : 'open',
      location: { lat: 31.235, lon: 121.475 },
      firstSeenAt: '2026-11-28T08:00:00.000Z',
      lastSeenAt,
      sightings: 3,
      raisedBy: camera,
      sources: [camera, otherCamera],
      maxConfidence: 0.9,
    },
  };
}

describe('verification', () => {
  it('verifies a resolved ticket when the raising camera reports the problem cleared', () => {
    const outcome = verificationFor({ status: 'resolved', resolvedAt }, event('cleared'), 120_000);
    assert.equal(outcome?.transition, 'verified');
    assert.deepEqual(outcome?.actor, { type: 'camera', id: 'gw-1:cam-1' });
  });

  it('verifies when the raising camera reports cleared while another camera still sees it', () => {
    const outcome = verificationFor({ status: 'resolved', resolvedAt }, event('updated', camera, undefined, 'cleared'), 120_000);
    assert.equal(outcome?.transition, 'verified');
  });

  it('verifies when every device has cleared the incident, whichever spoke last', () => {
    const outcome = verificationFor({ status: 'resolved', resolvedAt }, event('cleared', otherCamera), 120_000);
    assert.equal(outcome?.transition, 'verified');
    assert.deepEqual(outcome?.actor, { type: 'camera', id: 'gw-2:cam-9' });
  });

  it('does not take a clear from another camera as proof while the raising camera still sees it', () => {
    assert.equal(verificationFor({ status: 'resolved', resolvedAt }, event('updated', otherCamera, undefined, 'cleared'), 120_000), undefined);
  });

  it('reopens when the raising camera still sees it after the grace period, not within it', () => {
    assert.equal(verificationFor({ status: 'resolved', resolvedAt }, event('updated'), 120_000)?.transition, 'reopened');
    assert.equal(verificationFor({ status: 'verified', resolvedAt }, event('reopened'), 120_000)?.transition, 'reopened');
    assert.equal(verificationFor({ status: 'resolved', resolvedAt }, event('updated', camera, '2026-11-28T09:01:00.000Z'), 120_000), undefined);
  });

  it('ignores sightings while the ticket is still being worked, and closes a verified ticket with its incident', () => {
    assert.equal(verificationFor({ status: 'in_progress', resolvedAt: null }, event('updated'), 120_000), undefined);
    assert.equal(verificationFor({ status: 'in_progress', resolvedAt: null }, event('cleared'), 120_000), undefined);
    assert.equal(verificationFor({ status: 'verified', resolvedAt }, event('closed'), 120_000)?.transition, 'closed');
  });
});
