#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Value } from '@sinclair/typebox/value';
import pg from 'pg';
import { ACCESS_TOKEN_ROLES, isValidIdentifier, type AccessTokenRole } from '@gridsight/contracts';
import { hashPassword, inTransaction } from '@gridsight/service-kit';
import { createSessionStore } from '../adapters/auth/sessions.js';
import { replaceShifts, upsertCell, upsertPerson } from '../adapters/db/adminStore.js';
import { apiKeyDigest } from '../adapters/db/open311Queries.js';
import { CellCollection } from '../adapters/http/routes/cells.js';
import { loadAdminConfig } from '../config.js';
import { boundaryProblems, type CellBoundary } from '../core/geo.js';
import { parseShift } from './parseShift.js';

const USAGE = `usage (GRIDSIGHT_DATABASE_URL names the database):
  gridsight-dispatch cells import <cells.geojson>
      FeatureCollection of Polygon/MultiPolygon features with properties { cellId, district, name, supervisorId? }
  gridsight-dispatch person <id> --role worker|supervisor|ops --name "<display name>" [--cell <homeCellId>] [--password-stdin]
  gridsight-dispatch shifts <workerId> <day>@<HH:MM>-<HH:MM> ...      e.g. mon@08:00-17:00 sun@22:00-06:00
  gridsight-dispatch open311-client <clientId>      creates (or replaces) an Open311 api_key and prints it once
  gridsight-dispatch revoke-tokens <id>       revokes every access token of a person (a lost phone); they sign in again`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const pool = new pg.Pool({ connectionString: loadAdminConfig(process.env).databaseUrl, max: 1 });
  try {
    switch (command) {
      case 'cells': {
        if (rest[0] !== 'import' || !rest[1]) throw new UsageError('cells import needs a GeoJSON file');
        const collection: unknown = JSON.parse(readFileSync(rest[1], 'utf8'));
        const errors = [...Value.Errors(CellCollection, collection)].slice(0, 10).map((e) => `${e.path || '(root)'} ${e.message}`);
        if (errors.length > 0) throw new UsageError(`${rest[1]} is not a cell FeatureCollection: ${errors.join('; ')}`);
        const features = (collection as typeof CellCollection.static).features;
        const problems = features.flatMap((f) => boundaryProblems(f.geometry as CellBoundary).map((p) => `${f.properties.cellId}: ${p}`));
        if (problems.length > 0) throw new UsageError(`${rest[1]} has broken cell boundaries: ${problems.slice(0, 10).join('; ')}`);
        await inTransaction(pool, async (client) => {
          for (const f of features) {
            await upsertCell(client, { cellId: f.properties.cellId, district: f.properties.district, name: f.properties.name, boundary: f.geometry as CellBoundary, supervisorId: f.properties.supervisorId ?? null });
          }
        });
        return `imported ${features.length} cells`;
      }
      case 'person': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { role: { type: 'string' }, name: { type: 'string' }, cell: { type: 'string' }, phone: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
        });
        const id = positionals[0];
        if (!id || !isValidIdentifier(id)) throw new UsageError('person needs an id of 1-64 letters, digits or _ . : -');
        if (!values.role || !(ACCESS_TOKEN_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ACCESS_TOKEN_ROLES.join(', ')}`);
        if (!values.name) throw new UsageError('--name is required');
        let passwordHash: string | null = null;
        if (values['password-stdin']) {
          const password = await readStdin();
          if (password.length < 10) throw new UsageError('the password must have at least 10 characters');
          passwordHash = await hashPassword(password);
        }
        await upsertPerson(pool, { workerId: id, displayName: values.name, role: values.role as AccessTokenRole, passwordHash, homeCellId: values.cell ?? null, phone: values.phone ?? null });
        return `saved ${values.role} ${id}${passwordHash ? ' with a password' : ''}`;
      }
      case 'shifts': {
        const [workerId, ...specs] = rest;
        if (!workerId || specs.length === 0) throw new UsageError('shifts needs a worker id and at least one shift');
        const shifts = specs.map(parseShift);
        await inTransaction(pool, (client) => replaceShifts(client, workerId, shifts));
        return `saved ${shifts.length} shifts for ${workerId}`;
      }
      case 'open311-client': {
        const clientId = rest[0];
        if (!clientId || !isValidIdentifier(clientId)) throw new UsageError('open311-client needs a client id of 1-64 letters, digits or _ . : -');
        const apiKey = randomBytes(32).toString('base64url');
        await pool.query(
          'INSERT INTO open311_clients (client_id, key_sha256) VALUES ($1, $2) ON CONFLICT (client_id) DO UPDATE SET key_sha256 = EXCLUDED.key_sha256, active = true',
          [clientId, apiKeyDigest(apiKey)],
        );
        return `api_key for ${clientId} (shown once, store it now): ${apiKey}`;
      }
      case 'revoke-tokens': {
        const personId = rest[0];
        if (!personId || !isValidIdentifier(personId)) throw new UsageError('revoke-tokens needs a person id');
        const { rows: people } = await pool.query('SELECT 1 FROM workers WHERE worker_id = $1', [personId]);
        if (!people[0]) throw new UsageError(`no person ${personId}`);
        const revoked = await createSessionStore({ pool, cacheMs: 0 }).revokePerson(personId, 'admin-cli');
        return `revoked ${revoked} access token(s) of ${personId}`;
      }
      default:
        throw new UsageError(command ? `unknown command ${command}` : 'no command');
    }
  } finally {
    await pool.end();
  }
}

run(process.argv.slice(2)).then(
  (message) => console.log(message),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : `failed: ${(error as Error).message}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
