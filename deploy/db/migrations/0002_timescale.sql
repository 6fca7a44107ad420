-- requires: timescaledb
-- transaction: none
-- TimescaleDB only: hypertables, compression, retention, and the continuous aggregate behind
-- the KPI panels. A continuous aggregate cannot be created inside a transaction, hence no
-- transaction here; every statement is safe to run again after a failure half-way.

SELECT create_hypertable('detections', by_range('observed_at', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);
SELECT create_hypertable('sensor_readings', by_range('observed_at', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);

ALTER TABLE detections SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'kind',
  timescaledb.compress_orderby = 'observed_at DESC'
);
SELECT add_compression_policy('detections', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('detections', INTERVAL '400 days', if_not_exists => true);

ALTER TABLE sensor_readings SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'gateway_id, device_id, metric',
  timescaledb.compress_orderby = 'observed_at DESC'
);
SELECT add_compression_policy('sensor_readings', INTERVAL '3 days', if_not_exists => true);
SELECT add_retention_policy('sensor_readings', INTERVAL '90 days', if_not_exists => true);

-- The plain view of 0001 gives way to the continuous aggregate (which is itself a view inside).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM timescaledb_information.continuous_aggregates
                  WHERE view_name = 'detections_hourly' AND view_schema = current_schema()) THEN
    DROP VIEW IF EXISTS detections_hourly;
  END IF;
END;
$$;
CREATE MATERIALIZED VIEW IF NOT EXISTS detections_hourly
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '1 hour', observed_at) AS bucket,
         kind,
         source_type,
         geo_cell,
         cell_id,
         count(*) AS detections,
         max(confidence) AS max_confidence
    FROM detections
   GROUP BY 1, 2, 3, 4, 5
  WITH NO DATA;
SELECT add_continuous_aggregate_policy('detections_hourly',
  start_offset => INTERVAL '3 days',
  end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '15 minutes',
  if_not_exists => true);
