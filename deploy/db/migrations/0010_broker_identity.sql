-- Service accounts: other Gridsight services (dispatch-service pushing tickets to workers) that
-- publish on the broker. Secrets are scrypt hashes, as for gateways; a service connects with
-- username `service:<account_id>` and a client id `service/<account_id>/<instance>`.
CREATE TABLE service_accounts (
  account_id   text PRIMARY KEY,
  description  text,
  secret_hash  text NOT NULL,
  state        text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  rotated_at   timestamptz,
  revoked_at   timestamptz
);

-- A revoked or rotated credential must stop working at once on every broker instance, not when
-- a cache expires: each broker LISTENs on this channel, drops its cached verdict and disconnects
-- the live session. The payload is `gateway:<id>` or `service:<id>`.
-- Trigger arguments: the identity kind and the id column of the table.
CREATE FUNCTION notify_mqtt_identity_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mqtt_identity_changed', TG_ARGV[0] || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
  RETURN NULL;
END;
$$;

CREATE TRIGGER gateways_identity_changed
  AFTER UPDATE OF secret_hash, cert_fingerprint, state OR DELETE ON gateways
  FOR EACH ROW EXECUTE FUNCTION notify_mqtt_identity_changed('gateway', 'gateway_id');

CREATE TRIGGER service_accounts_identity_changed
  AFTER UPDATE OF secret_hash, state OR DELETE ON service_accounts
  FOR EACH ROW EXECUTE FUNCTION notify_mqtt_identity_changed('service', 'account_id');
