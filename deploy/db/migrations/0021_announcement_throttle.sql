-- transaction: none
-- stream-processor: plain sightings of an incident are announced at most once per interval
-- (GRIDSIGHT_SP_SIGHTING_ANNOUNCE_INTERVAL_MS). What was held back waits in the incident's row
-- until a later batch or the processor's flush announces it, so no memory outside the database
-- is needed and a restart or rebalance goes on from here. held_sightings is the latest held
-- sighting's cause and, when another source's sighting followed it, the raising source's latest
-- held sighting with the incident's state as of it; announce_due_at is when they are due.
-- Outside a transaction so that the index is built CONCURRENTLY, without blocking the
-- processor's writes while it builds; every statement is safe to run again.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS announced_at timestamptz;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS held_sightings jsonb;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS announce_due_at timestamptz;
CREATE INDEX CONCURRENTLY IF NOT EXISTS incidents_announce_due ON incidents (announce_due_at) WHERE announce_due_at IS NOT NULL;
