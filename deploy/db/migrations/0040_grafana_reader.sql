-- The role Grafana's datasource logs in as: it can read what the dashboards show and nothing
-- else. It cannot write, and it cannot see credential hashes. Its password is set by the
-- deployment (ALTER ROLE … PASSWORD from a secret), never here. Tables added later are not
-- readable until a migration grants them explicitly.
-- Roles are shared by every database of the server, and several databases may be migrated at
-- once (test suites do): creating the role tolerates losing that race, and the settings are
-- per database, so concurrent migrations never update the same catalog row.
DO $$
BEGIN
  CREATE ROLE grafana_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END;
$$;
DO $$
BEGIN
  EXECUTE format('ALTER ROLE grafana_reader IN DATABASE %I SET default_transaction_read_only = on', current_database());
  EXECUTE format('ALTER ROLE grafana_reader IN DATABASE %I SET statement_timeout = %L', current_database(), '30s');
END;
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO grafana_reader;
GRANT SELECT ON grid_cells, cameras, detections, detections_hourly, sensor_readings, incidents, tickets, ticket_events TO grafana_reader;
GRANT SELECT (worker_id, display_name, role, home_cell_id, active, created_at) ON workers TO grafana_reader;
GRANT SELECT (gateway_id, display_name, state, created_at, rotated_at, revoked_at, online, last_seen_at, agent_version, model, cameras)
  ON gateways TO grafana_reader;
