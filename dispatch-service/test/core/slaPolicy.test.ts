import assert from 'node:assert/strict';
import { compareUrgency, DEFAULT_SLA_TABLE, resolveDeadline } from '../../src/core/slaPolicy.js';

describe('SLA policy', () => {
  it('makes an open manhole P1 due in 2 hours and garbage P3 due in a day, from the first sighting', () => {
    const firstSeen = new Date('2026-11-28T08:00:00.000Z');
    const now = new Date('2026-11-28T08:05:00.000Z');
    assert.equal(DEFAULT_SLA_TABLE.manhole_open.priority, 'P1');
    assert.equal(resolveDeadline(DEFAULT_SLA_TABLE.manhole_open, firstSeen, now).toISOString(), '2026-11-28T10:00:00.000Z');
    assert.equal(resolveDeadline(DEFAULT_SLA_TABLE.garbage_pile, firstSeen, now).toISOString(), '2026-11-29T08:00:00.000Z');
  });

  it('never starts the clock in the future when a sighting carries a clock ahead of ours', () => {
    const now = new Date('2026-11-28T08:00:00.000Z');
    assert.equal(resolveDeadline(DEFAULT_SLA_TABLE.manhole_open, new Date('2026-11-28T09:00:00.000Z'), now).toISOString(), '2026-11-28T10:00:00.000Z');
  });

  it('orders by priority, then by the nearer deadline', () => {
    const list = [
      { id: 'garbage-soon', priority: 'P3' as const, dueBy: new Date(1000) },
      { id: 'manhole-late', priority: 'P1' as const, dueBy: new Date(5000) },
      { id: 'manhole-soon', priority: 'P1' as const, dueBy: new Date(2000) },
    ];
    assert.deepEqual(list.sort(compareUrgency).map((t) => t.id), ['manhole-soon', 'manhole-late', 'garbage-soon']);
  });
});
