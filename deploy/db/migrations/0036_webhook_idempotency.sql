-- transaction: none
-- dispatch-service: POST /api/v1/webhooks sent again under the same Idempotency-Key (a retry after
-- a timeout or a 503) answers the first subscription and its secret instead of making a second one,
-- whose secret nobody would hold. Keys are per creating account; request_sha256 tells a retry from
-- a different subscription under a reused key. Built CONCURRENTLY, so writes go on meanwhile.
ALTER TABLE webhook_subscriptions ADD COLUMN IF NOT EXISTS idempotency_key text;
ALTER TABLE webhook_subscriptions ADD COLUMN IF NOT EXISTS request_sha256 text;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS webhook_subscriptions_idempotency_key ON webhook_subscriptions (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
