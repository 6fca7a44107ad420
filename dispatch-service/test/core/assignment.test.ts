import assert from 'node:assert/strict';
import { chooseAssignee, type RosterEntry } from '../../src/core/assignment.js';
import { cellCentre } from '../../src/core/geo.js';
import { alwaysOnDuty, cells } from './fixtures.js';

const centreOf = (id: string) => cellCentre(cells.find((c) => c.cellId === id)!.boundary);
const entry = (workerId: string, homeCellId: string, openTickets: number, shifts = alwaysOnDuty): RosterEntry => ({ workerId, homeCellId, homeCentre: centreOf(homeCellId), shifts, openTickets });
const ticket = { cellId: 'cell-a', location: { lat: 31.235, lon: 121.475 } };
const options = { now: new Date('2026-11-28T02:00:00Z'), timeZone: 'Asia/Shanghai', nearbyRadiusM: 3000 };

describe('assignment', () => {
  it('gives the ticket to the on-duty owner of its cell even when a neighbour has less work', () => {
    const decision = chooseAssignee(ticket, [entry('w-neighbour', 'cell-b', 0), entry('w-owner', 'cell-a', 4)], options);
    assert.deepEqual([decision.workerId, decision.reason], ['w-owner', 'cell_owner']);
  });

  it('picks the least-loaded owner when a cell has several', () => {
    assert.equal(chooseAssignee(ticket, [entry('w-busy', 'cell-a', 3), entry('w-free', 'cell-a', 1)], options).workerId, 'w-free');
  });

  it('falls back to the least-loaded nearby worker when the owner is off duty, and never to a far one', () => {
    const offDuty = [{ weekday: 1, startMinute: 0, endMinute: 60 }];
    const roster = [entry('w-owner', 'cell-a', 0, offDuty), entry('w-far', 'cell-far', 0), entry('w-near-busy', 'cell-b', 2), entry('w-near', 'cell-b', 1)];
    const decision = chooseAssignee(ticket, roster, options);
    assert.deepEqual([decision.workerId, decision.reason], ['w-near', 'nearby']);
  });

  it('skips excluded workers, e.g. the one who let the accept window pass', () => {
    const roster = [entry('w-owner', 'cell-a', 0), entry('w-near', 'cell-b', 5)];
    assert.equal(chooseAssignee(ticket, roster, { ...options, exclude: ['w-owner'] }).workerId, 'w-near');
  });

  it('says so when nobody is on duty nearby', () => {
    assert.deepEqual(chooseAssignee(ticket, [entry('w-far', 'cell-far', 0)], options), { workerId: null, reason: 'nobody_on_duty' });
  });
});
