-- The role Grafana's datasource logs in as: it can read what the dashboards show and nothing
-- else. It cannot write, and it cannot see credential hashes. Its password is set by the
-- deployment (ALTER ROLE … PASSWORD from a secret), never here. Tables added later are not
-- readable until a migration grants them explicitly.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
    CREATE ROLE grafana_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END;
$$;
ALTER ROLE grafana_reader SET default_transaction_read_only = on;
ALTER ROLE grafana_reader SET statement_timeout = '30s';

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO grafana_reader;
GRANT SELECT ON grid_cells, cameras, detections, detections_hourly, sensor_readings, incidents, tickets, ticket_events TO grafana_reader;
GRANT SELECT (worker_id, display_name, role, home_cell_id, active, created_at) ON workers TO grafana_reader;
GRANT SELECT (gateway_id, display_name, state, created_at, rotated_at, revoked_at, online, last_seen_at, agent_version, model, cameras)
  ON gateways TO grafana_reader;
