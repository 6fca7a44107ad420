-- Open311 GeoReport v2 clients (apps, hotlines, other city systems) that may POST service requests.
-- A key is 32 random bytes shown once; only its SHA-256 is kept (a random key needs no slow hash).
CREATE TABLE open311_clients (
  client_id  text PRIMARY KEY,
  key_sha256 text NOT NULL UNIQUE,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Citizen reports as received; the report's event enters the pipeline through the outbox
-- (topic anomaly-events) in the same transaction, and the token handed back is its event id.
CREATE TABLE open311_reports (
  event_id     uuid PRIMARY KEY,
  client_id    text NOT NULL REFERENCES open311_clients (client_id),
  service_code text NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  description  text,
  address      text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
