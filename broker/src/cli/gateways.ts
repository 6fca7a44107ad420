#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isValidIdentifier } from '@gridsight/contracts';
import { hashSecret, loadEnvConfig, newSecret } from '@gridsight/service-kit';
import { Type } from '@sinclair/typebox';
import pg from 'pg';

// Gateway and service-account credentials: provision (prints the secret once), rotate, revoke, list.
// The database keeps only scrypt hashes; a lost secret is rotated, never recovered.

const USAGE = `usage: node broker/dist/cli/gateways.js <command> [options]
  provision <gatewayId> [--name <text>] [--cert-fingerprint <sha256 hex>] [--no-secret]
  rotate <gatewayId>          new secret; the old one and the live session stop at once
  revoke <gatewayId>          refuse it from now on and disconnect it
  list
  service-provision <accountId> [--name <text>]   e.g. dispatch-service, which pushes worker tickets
  service-rotate <accountId>
  service-revoke <accountId>
environment: GRIDSIGHT_DATABASE_URL (default postgres://postgres@127.0.0.1:55432/gridsight)`;

const Env = Type.Object({
  GRIDSIGHT_DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:55432/gridsight' }),
});

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, 'cert-fingerprint': { type: 'string' }, 'no-secret': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, id] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== 'list' && (id === undefined || !isValidIdentifier(id))) {
    throw new UsageError(`${command} needs an id of 1-64 letters, digits or _ . : - (got ${JSON.stringify(id ?? '')})`);
  }
  const db = new pg.Client({ connectionString: loadEnvConfig(Env, process.env).GRIDSIGHT_DATABASE_URL });
  await db.connect();
  try {
    const key = id as string;
    switch (command) {
      case 'provision': {
        const fingerprint = values['cert-fingerprint']?.replace(/:/g, '').toLowerCase();
        if (fingerprint !== undefined && !/^[0-9a-f]{64}$/.test(fingerprint)) throw new UsageError('--cert-fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)');
        if (values['no-secret'] && !fingerprint) throw new UsageError('--no-secret needs --cert-fingerprint: the gateway must have some way to log in');
        const secret = values['no-secret'] ? undefined : newSecret();
        const inserted = await db.query(
          'INSERT INTO gateways (gateway_id, display_name, secret_hash, cert_fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT (gateway_id) DO NOTHING',
          [key, values.name ?? null, secret ? await hashSecret(secret) : null, fingerprint ?? null],
        );
        if (inserted.rowCount === 0) throw new UsageError(`gateway ${key} exists already; use rotate for a new secret`);
        printCredentials(key, key, secret);
        return 0;
      }
      case 'rotate': {
        const secret = newSecret();
        const updated = await db.query("UPDATE gateways SET secret_hash = $2, rotated_at = now() WHERE gateway_id = $1 AND state = 'active'", [key, await hashSecret(secret)]);
        if (updated.rowCount === 0) throw new UsageError(`no active gateway ${key}`);
        printCredentials(key, key, secret);
        return 0;
      }
      case 'revoke': {
        const updated = await db.query("UPDATE gateways SET state = 'revoked', revoked_at = now() WHERE gateway_id = $1 AND state = 'active'", [key]);
        if (updated.rowCount === 0) throw new UsageError(`no active gateway ${key}`);
        console.log(`gateway ${key} revoked; brokers disconnect it now and refuse it from now on`);
        return 0;
      }
      case 'list': {
        const { rows } = await db.query(
          `SELECT gateway_id, display_name, state, cert_fingerprint IS NOT NULL AS cert, created_at, rotated_at, revoked_at FROM gateways ORDER BY gateway_id`,
        );
        console.log(JSON.stringify(rows, null, 2));
        return 0;
      }
      case 'service-provision': {
        const secret = newSecret();
        const inserted = await db.query(
          'INSERT INTO service_accounts (account_id, description, secret_hash) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING',
          [key, values.name ?? null, await hashSecret(secret)],
        );
        if (inserted.rowCount === 0) throw new UsageError(`service account ${key} exists already; use service-rotate`);
        printCredentials(`service:${key}`, `service/${key}/<instance>`, secret);
        return 0;
      }
      case 'service-rotate': {
        const secret = newSecret();
        const updated = await db.query("UPDATE service_accounts SET secret_hash = $2, rotated_at = now() WHERE account_id = $1 AND state = 'active'", [key, await hashSecret(secret)]);
        if (updated.rowCount === 0) throw new UsageError(`no active service account ${key}`);
        printCredentials(`service:${key}`, `service/${key}/<instance>`, secret);
        return 0;
      }
      case 'service-revoke': {
        const updated = await db.query("UPDATE service_accounts SET state = 'revoked', revoked_at = now() WHERE account_id = $1 AND state = 'active'", [key]);
        if (updated.rowCount === 0) throw new UsageError(`no active service account ${key}`);
        console.log(`service account ${key} revoked`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    }
  } finally {
    await db.end();
  }
}

function printCredentials(username: string, clientId: string, secret: string | undefined): void {
  console.log(JSON.stringify({ username, clientId, ...(secret ? { password: secret } : { login: 'TLS client certificate' }) }, null, 2));
  if (secret) console.error('The password is shown this once; only its scrypt hash is stored.');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
