-- dispatch-service: every access token issued, so that one can stop working before it expires.
-- Sign-out revokes the caller's token; an admin revokes all of a person's tokens. A token is
-- accepted only while its row exists, is not revoked, and its person is active in the same role
-- (so deactivating an account or changing its role also ends its tokens). Anyone else who accepts
-- these tokens (the broker on MQTT connect) can check the same row by the token's `jti`.
CREATE TABLE access_tokens (
  jti        uuid PRIMARY KEY,
  worker_id  text NOT NULL REFERENCES workers (worker_id) ON DELETE CASCADE,
  role       text NOT NULL,
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX access_tokens_live_of_person ON access_tokens (worker_id) WHERE revoked_at IS NULL;
-- Rows of long-expired tokens are purged as new ones are issued.
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);
