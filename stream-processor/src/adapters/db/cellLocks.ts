import type { ClientBase } from 'pg';

// First key of the two-key advisory lock: the dedupe namespace ("gcel"), apart from other advisory locks.
const CELL_LOCK_CLASS = 0x6763656c;

/**
 * Takes the transaction-scoped lock of each geo cell, in one sorted order so that two
 * transactions never wait for each other in a circle. Whoever decides about a point holds the
 * locks of every cell its merge radius touches, so two decisions about neighbours serialise even
 * when they come from different partitions, consumers or hosts.
 */
export async function lockCells(client: Pick<ClientBase, 'query'>, cells: readonly string[]): Promise<void> {
  if (cells.length === 0) return;
  await client.query(
    `SELECT pg_advisory_xact_lock($1::int, k)
       FROM (SELECT DISTINCT hashtext(c) AS k FROM unnest($2::text[]) AS c ORDER BY 1) AS keys`,
    [CELL_LOCK_CLASS, cells],
  );
}
