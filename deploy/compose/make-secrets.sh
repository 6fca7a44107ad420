#!/usr/bin/env bash
# Makes the secret files compose.yaml mounts, once: random passwords, the ES256 key pair that
# signs worker tokens, and a private CA with the MQTT server certificate. Existing files are
# kept, so running it again never rotates a secret by accident.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
host="${GRIDSIGHT_MQTT_HOSTNAME:-mqtt.gridsight.example.org}"

new() { [ -s "secrets/$1" ] && echo "keep secrets/$1" && return 1; echo "make secrets/$1"; }
password() { openssl rand -base64 33 | tr -d '/+=\n' | head -c 40; }

new postgres_password && password > secrets/postgres_password
new database_url && printf 'postgres://gridsight:%s@timescaledb:5432/gridsight' "$(cat secrets/postgres_password)" > secrets/database_url
new grafana_db_password && password > secrets/grafana_db_password
new grafana_admin_password && password > secrets/grafana_admin_password
if new token_private_key.pem; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out secrets/token_private_key.pem
  openssl pkey -in secrets/token_private_key.pem -pubout -out secrets/token_public_key.pem
fi
if new mqtt_tls_ca.pem; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Gridsight gateway CA" \
    -keyout secrets/mqtt_tls_ca_key.pem -out secrets/mqtt_tls_ca.pem
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${host}" \
    -keyout secrets/mqtt_tls_key.pem -out secrets/mqtt_tls.csr
  openssl x509 -req -in secrets/mqtt_tls.csr -CA secrets/mqtt_tls_ca.pem -CAkey secrets/mqtt_tls_ca_key.pem -CAcreateserial \
    -days 825 -extfile <(printf 'subjectAltName=DNS:%s' "$host") -out secrets/mqtt_tls_cert.pem
  rm secrets/mqtt_tls.csr
fi
echo "secrets are in $(pwd)/secrets (mode 600); back them up somewhere safe"
