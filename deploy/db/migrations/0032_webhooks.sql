-- Webhooks on ticket transitions: who wants them, and each delivery until it succeeds or gives up.
CREATE TABLE webhook_subscriptions (
  subscription_id uuid PRIMARY KEY,
  url             text NOT NULL CHECK (url ~ '^https?://'),
  -- The HMAC key deliveries are signed with. Signing needs the key itself, so it cannot be hashed
  -- like a password; it is shown to the subscriber once and never served by the API again.
  secret          text NOT NULL,
  -- NULL: every transition; otherwise only these (e.g. {escalated,resolved}).
  transitions     text[],
  active          boolean NOT NULL DEFAULT true,
  created_by      text REFERENCES workers (worker_id),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  delivery_id     bigserial PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (subscription_id) ON DELETE CASCADE,
  event_id        uuid NOT NULL,
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
