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
CREATE FUNCTION notify_mqtt_identity_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE TG_TABLE_NAME WHEN 'gateways' THEN 'gateway' ELSE 'service' END;
  id   text := CASE TG_TABLE_NAME WHEN 'gateways' THEN OLD.gateway_id ELSE OLD.account_id END;
BEGIN
  PERFORM pg_notify('mqtt_identity_changed', kind || ':' || id);
  RETURN NULL;
END;
$$;

CREATE TRIGGER gateways_identity_changed
  AFTER UPDATE OF secret_hash, cert_fingerprint, state OR DELETE ON gateways
  FOR EACH ROW EXECUTE FUNCTION notify_mqtt_identity_changed();

CREATE TRIGGER service_accounts_identity_changed
  AFTER UPDATE OF secret_hash, state OR DELETE ON service_accounts
  FOR EACH ROW EXECUTE FUNCTION notify_mqtt_identity_changed();
