-- dispatch-service: indexes for the ticket lists (dispatch-service/src/adapters/db/ticketQueries.ts
-- listTickets), one per way the worker app, supervisors and the ops map ask, each in the lists'
-- order (priority, then SLA deadline) so that a list is an index range read up to its limit.
-- Without them a list read every ticket ever made. Only open rows, where the list is of open
-- tickets: the finished ones are most of the table and nobody lists them by default.

-- A worker's own open tickets (the app's hottest read). Replaces tickets_assignee_open (0001),
-- which had no deadline column, so every list was sorted after the read; assignment's open-work
-- counts per worker use this one just as well.
CREATE INDEX tickets_open_by_assignee ON tickets (assignee_id, priority, due_by) WHERE status NOT IN ('verified', 'closed', 'cancelled');
DROP INDEX tickets_assignee_open;
-- Ops: every open ticket, most urgent first (the ops map asks for up to 500).
CREATE INDEX tickets_open_by_priority ON tickets (priority, due_by) WHERE status NOT IN ('verified', 'closed', 'cancelled');
-- Supervisors: the open tickets of the cells they supervise, or of one cell.
CREATE INDEX tickets_open_by_cell ON tickets (cell_id, priority, due_by) WHERE status NOT IN ('verified', 'closed', 'cancelled');
-- Supervisors: the open tickets escalated to them.
CREATE INDEX tickets_open_escalated_to ON tickets (escalated_to) WHERE escalated_to IS NOT NULL AND status NOT IN ('verified', 'closed', 'cancelled');
-- A worker's finished tickets (history), which the partial indexes do not hold.
CREATE INDEX tickets_by_assignee_status ON tickets (assignee_id, status);
