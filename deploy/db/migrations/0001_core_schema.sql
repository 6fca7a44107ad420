-- Core schema: works on plain PostgreSQL 14+ and on TimescaleDB (0002 adds the TimescaleDB parts).

CREATE TABLE grid_cells (
  cell_id       text PRIMARY KEY,
  district      text NOT NULL,
  name          text NOT NULL,
  -- GeoJSON Polygon or MultiPolygon; the bounding box lets SQL pre-filter before the exact test in code.
  boundary      jsonb NOT NULL,
  min_lat       double precision NOT NULL,
  min_lon       double precision NOT NULL,
  max_lat       double precision NOT NULL,
  max_lon       double precision NOT NULL,
  supervisor_id text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (min_lat <= max_lat AND min_lon <= max_lon)
);
CREATE INDEX grid_cells_bbox ON grid_cells (min_lat, max_lat, min_lon, max_lon);

CREATE TABLE workers (
  worker_id     text PRIMARY KEY,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('worker', 'supervisor', 'ops')),
  -- A password hash (scrypt, with its parameters and salt) or NULL for an account that cannot sign in.
  password_hash text,
  home_cell_id  text REFERENCES grid_cells (cell_id),
  phone         text,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE grid_cells
  ADD CONSTRAINT grid_cells_supervisor_fk FOREIGN KEY (supervisor_id) REFERENCES workers (worker_id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE gateways (
  gateway_id       text PRIMARY KEY,
  display_name     text,
  -- scrypt hash of the MQTT password; the secret itself is shown once at provisioning and never stored.
  secret_hash      text,
  cert_fingerprint text UNIQUE,
  state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  rotated_at       timestamptz,
  revoked_at       timestamptz,
  online           boolean NOT NULL DEFAULT false,
  last_seen_at     timestamptz,
  agent_version    text,
  model            jsonb,
  cameras          jsonb
);

CREATE TABLE cameras (
  gateway_id  text NOT NULL REFERENCES gateways (gateway_id) ON DELETE CASCADE,
  camera_id   text NOT NULL,
  -- lat, lon, heading, mounting height, field of view; or a homography of four image points to four geo points.
  pose        jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (gateway_id, camera_id)
);

-- JPEG evidence is stored once however many events carry the same bytes.
CREATE TABLE snapshots (
  snapshot_id  uuid PRIMARY KEY,
  sha256       text NOT NULL UNIQUE,
  content_type text NOT NULL DEFAULT 'image/jpeg',
  bytes        bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (octet_length(bytes) <= 65536)
);

-- Every AnomalyEvent, once: the key is the edge's eventId plus its own observedAt, which a
-- re-delivery repeats exactly (and TimescaleDB requires the time column in every unique key).
CREATE TABLE detections (
  event_id      uuid NOT NULL,
  observed_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  type          text NOT NULL CHECK (type IN ('detected', 'updated', 'cleared')),
  kind          text NOT NULL,
  source_type   text NOT NULL CHECK (source_type IN ('camera', 'sensor', 'citizen')),
  gateway_id    text NOT NULL,
  device_id     text NOT NULL,
  confidence    real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  bbox          real[],
  track_id      text,
  lat           double precision NOT NULL,
  lon           double precision NOT NULL,
  accuracy_m    real NOT NULL,
  geo_cell      text NOT NULL,
  cell_id       text,
  model_name    text,
  model_version text,
  snapshot_id   uuid,
  incident_id   uuid,
  PRIMARY KEY (event_id, observed_at)
);
CREATE INDEX detections_incident ON detections (incident_id, observed_at DESC);
CREATE INDEX detections_kind_time ON detections (kind, observed_at DESC);

CREATE TABLE sensor_readings (
  gateway_id  text NOT NULL,
  device_id   text NOT NULL,
  metric      text NOT NULL,
  observed_at timestamptz NOT NULL,
  value       double precision NOT NULL,
  unit        text,
  PRIMARY KEY (gateway_id, device_id, metric, observed_at)
);

CREATE TABLE incidents (
  incident_id          uuid PRIMARY KEY,
  kind                 text NOT NULL,
  status               text NOT NULL CHECK (status IN ('open', 'cleared', 'closed')),
  lat                  double precision NOT NULL,
  lon                  double precision NOT NULL,
  geo_cell             text NOT NULL,
  cell_id              text REFERENCES grid_cells (cell_id),
  first_seen_at        timestamptz NOT NULL,
  last_seen_at         timestamptz NOT NULL,
  sightings            integer NOT NULL CHECK (sightings >= 1),
  raised_by            jsonb NOT NULL,
  sources              jsonb NOT NULL,
  max_confidence       real NOT NULL,
  best_snapshot_id     uuid REFERENCES snapshots (snapshot_id),
  previous_incident_id uuid REFERENCES incidents (incident_id),
  cleared_at           timestamptz,
  cleared_by           jsonb,
  closed_at            timestamptz,
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
-- Dedupe looks for live incidents of one kind near a point.
CREATE INDEX incidents_live_near ON incidents (kind, lat, lon) WHERE status <> 'closed';
CREATE INDEX incidents_closed_near ON incidents (kind, lat, lon, closed_at DESC) WHERE status = 'closed';
CREATE INDEX incidents_first_seen ON incidents (first_seen_at DESC);

CREATE TABLE tickets (
  ticket_id        uuid PRIMARY KEY,
  -- Exactly one ticket per incident, whichever dispatch instance or replay tries to make a second.
  incident_id      uuid NOT NULL UNIQUE REFERENCES incidents (incident_id),
  kind             text NOT NULL,
  priority         text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  status           text NOT NULL CHECK (status IN ('new', 'assigned', 'accepted', 'in_progress', 'resolved', 'verified', 'closed', 'cancelled')),
  lat              double precision NOT NULL,
  lon              double precision NOT NULL,
  cell_id          text REFERENCES grid_cells (cell_id),
  assignee_id      text REFERENCES workers (worker_id),
  escalated        boolean NOT NULL DEFAULT false,
  accept_by        timestamptz,
  due_by           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  assigned_at      timestamptz,
  accepted_at      timestamptz,
  resolved_at      timestamptz,
  verified_at      timestamptz,
  closed_at        timestamptz,
  reopen_count     integer NOT NULL DEFAULT 0,
  version          integer NOT NULL DEFAULT 1,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_assignee_open ON tickets (assignee_id, priority) WHERE status NOT IN ('verified', 'closed', 'cancelled');
CREATE INDEX tickets_accept_deadline ON tickets (accept_by) WHERE status = 'assigned';
CREATE INDEX tickets_due_deadline ON tickets (due_by) WHERE status NOT IN ('resolved', 'verified', 'closed', 'cancelled') AND NOT escalated;

-- The audit trail: one row per transition, never changed afterwards.
CREATE TABLE ticket_events (
  ticket_id   uuid NOT NULL REFERENCES tickets (ticket_id),
  seq         integer NOT NULL CHECK (seq >= 1),
  event_id    uuid NOT NULL UNIQUE,
  at          timestamptz NOT NULL DEFAULT now(),
  transition  text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  actor_type  text NOT NULL CHECK (actor_type IN ('system', 'worker', 'supervisor', 'ops', 'camera')),
  actor_id    text,
  note        text,
  photo_url   text,
  PRIMARY KEY (ticket_id, seq)
);

CREATE FUNCTION forbid_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ticket_events_append_only BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION forbid_audit_rewrite();

-- Transactional outbox: a state change and the Kafka message announcing it commit together;
-- a relay publishes rows in id order and marks them, so each change is announced exactly once
-- (consumers de-duplicate on the message's eventId if the relay dies between send and mark).
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  event_id     uuid NOT NULL UNIQUE,
  topic        text NOT NULL,
  message_key  text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (topic, id) WHERE published_at IS NULL;

-- Hourly counts per kind, source and cell for KPIs; 0002 replaces this view by a continuous
-- aggregate of the same name and columns when TimescaleDB is present.
CREATE VIEW detections_hourly AS
  SELECT date_trunc('hour', observed_at) AS bucket,
         kind,
         source_type,
         geo_cell,
         cell_id,
         count(*) AS detections,
         max(confidence) AS max_confidence
    FROM detections
   GROUP BY 1, 2, 3, 4, 5;
