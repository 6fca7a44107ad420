-- transaction: none
-- dispatch-service: a POST of the same citizen report twice (a client retrying after a timeout or
-- a 503, with the same Idempotency-Key header) must not make a second report. The key is the
-- client's, so it is unique per client; request_sha256 tells a retry from a different report
-- sent under a reused key. Outside a transaction so that the index is built CONCURRENTLY,
-- without blocking citizen reports while it builds; every statement is safe to run again.
ALTER TABLE open311_reports ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE open311_reports ADD COLUMN IF NOT EXISTS request_sha256 text;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS open311_reports_idempotency_key ON open311_reports (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
