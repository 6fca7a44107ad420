-- stream-processor: what dedupe needs beyond 0001, and the ops list of offline gateways.

-- Each source's last word on an incident ({"camera/gw-1/cam-2": {"lastSeenAt": ..., "clearedAt": ...}}):
-- an incident is cleared when every camera or sensor that saw it has reported it gone since.
ALTER TABLE incidents ADD COLUMN source_states jsonb NOT NULL DEFAULT '{}'::jsonb;
-- The confidence of the sighting whose snapshot is best_snapshot_id (max_confidence may come from a sighting without one).
ALTER TABLE incidents ADD COLUMN best_snapshot_confidence real;

-- Dedupe reads the incidents of the geo cells around a point, after locking those cells.
CREATE INDEX incidents_live_by_cell ON incidents (geo_cell, kind) WHERE status <> 'closed';
CREATE INDEX incidents_closed_by_cell ON incidents (geo_cell, kind, closed_at DESC) WHERE status = 'closed';

-- Gateways that ops should look at: registered and not revoked, and offline or never heard from.
CREATE VIEW gateways_offline AS
  SELECT gateway_id,
         display_name,
         last_seen_at,
         now() - last_seen_at AS offline_for,
         agent_version
    FROM gateways
   WHERE state = 'active' AND NOT online
   ORDER BY last_seen_at NULLS FIRST;
