import assert from 'node:assert/strict';
import { cellFilterVerdict, ticketScopeFor, type Viewer } from '../../src/core/ticketScope.js';

const ticket = { ticketId: 't-1', cellId: 'cell-a', assigneeId: 'w-a', escalatedTo: null };
const supervisorOfA: Viewer = { role: 'supervisor', id: 's-1', supervisedCellIds: ['cell-a'] };
const supervisorOfB: Viewer = { role: 'supervisor', id: 's-2', supervisedCellIds: ['cell-b'] };

describe('ticket scope', () => {
  it('lets a worker see only the tickets they hold, answering "not found" for the rest', () => {
    assert.deepEqual(ticketScopeFor({ role: 'worker', id: 'w-a', supervisedCellIds: [] }, ticket), { ok: true });
    const other = ticketScopeFor({ role: 'worker', id: 'w-b', supervisedCellIds: [] }, ticket);
    assert.ok(!other.ok);
    assert.equal(other.code, 'DSP_NOT_FOUND');
    assert.match(other.message, /no ticket t-1 among your tickets/);
  });

  it('lets a supervisor see the tickets of cells they supervise and refuses other cells, naming the cell', () => {
    assert.deepEqual(ticketScopeFor(supervisorOfA, ticket), { ok: true });
    const refused = ticketScopeFor(supervisorOfB, ticket);
    assert.ok(!refused.ok);
    assert.equal(refused.code, 'DSP_FORBIDDEN');
    assert.match(refused.message, /cell cell-a, which you do not supervise/);
  });

  it('lets a supervisor see a ticket escalated to them by name, even outside their cells', () => {
    assert.deepEqual(ticketScopeFor(supervisorOfB, { ...ticket, escalatedTo: 's-2' }), { ok: true });
  });

  it('leaves tickets outside every cell to ops', () => {
    const outside = { ...ticket, cellId: null };
    assert.ok(!ticketScopeFor(supervisorOfA, outside).ok);
    assert.deepEqual(ticketScopeFor({ role: 'ops', id: 'ops-1', supervisedCellIds: [] }, outside), { ok: true });
  });

  it('lets a supervisor filter the list only by a cell they supervise', () => {
    assert.deepEqual(cellFilterVerdict(supervisorOfA, 'cell-a'), { ok: true });
    assert.ok(!cellFilterVerdict(supervisorOfA, 'cell-b').ok);
    assert.deepEqual(cellFilterVerdict({ role: 'ops', id: 'ops-1', supervisedCellIds: [] }, 'cell-b'), { ok: true });
  });
});
