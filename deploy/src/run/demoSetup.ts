import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { buildDistrict, type District } from '../seed/district.js';
import { buildHistory } from '../seed/history.js';
import { createRandom } from '../seed/random.js';
import { writeSeed } from '../seed/writeSeed.js';
import { describeExit, runCommand } from '../stack/runCommand.js';
import { StackError } from '../stack/stackError.js';
import type { GatewayCredentials } from '../sim/simulatedGateway.js';

/** The demo's gateways; they are real registry entries with real secrets. */
export const DEMO_GATEWAYS = ['gw-qh-01', 'gw-qh-02', 'gw-qh-04'] as const;
/** The one that runs a real edge agent; the demo feed simulates the others. */
export const DEMO_EDGE_GATEWAY = 'gw-qh-01';

export interface DemoAccount {
  id: string;
  role: 'worker' | 'supervisor' | 'ops';
  /** When this person is on duty, in the district's local time. */
  duty: string;
}

const DEMO_PEOPLE: DemoAccount[] = [
  { id: 'w-qh-01-d', role: 'worker', duty: '07:00–15:00' },
  { id: 'w-qh-01-e', role: 'worker', duty: '15:00–23:00' },
  { id: 'w-qh-night', role: 'worker', duty: '23:00–07:00 (whole subdistrict)' },
  { id: 'sup-qh', role: 'supervisor', duty: 'always' },
  { id: 'ops-01', role: 'ops', duty: 'always' },
];

export interface DemoSetup {
  district: District;
  password: string;
  accounts: DemoAccount[];
  gateways: GatewayCredentials[];
}

interface DemoState {
  password: string;
  gateways: GatewayCredentials[];
}

/**
 * Makes the local database a living district once: a month of seeded history (so the ops page and
 * Grafana have something true to show), demo sign-ins for a few people, and MQTT secrets for the
 * demo gateways. What it made is kept in <dataRoot>/demo/state.json (mode 0600) and reused.
 */
export async function ensureDemo(options: { postgresUrl: string; dataRoot: string; repoRoot: string; onProgress?: (line: string) => void }): Promise<DemoSetup> {
  const say = options.onProgress ?? (() => undefined);
  const district = buildDistrict();
  const stateFile = join(options.dataRoot, 'demo', 'state.json');
  const db = new pg.Client({ connectionString: options.postgresUrl });
  await db.connect();
  try {
    const cells = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM grid_cells')).rows[0]?.n ?? 0);
    if (cells === 0) {
      say('demo: seeding a month of the demo district (first run only)…');
      // No district yet, though tests run against this stack may have left incidents of their own.
      await writeSeed(db, district, buildHistory(district, createRandom(20261128), new Date(), 30), {
        replace: false,
        allowExistingIncidents: true,
        onProgress: (line) => say(`demo: ${line}`),
      });
    }
  } finally {
    await db.end();
  }

  if (existsSync(stateFile)) {
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as DemoState;
    return { district, password: state.password, accounts: DEMO_PEOPLE, gateways: state.gateways };
  }
  const password = randomBytes(9).toString('base64url');
  const access = { postgresUrl: options.postgresUrl, repoRoot: options.repoRoot };
  await issueSignIns(access, district, DEMO_PEOPLE, password);
  say(`demo: sign-ins ready for ${DEMO_PEOPLE.map((p) => p.id).join(', ')}`);
  const gateways = await issueGatewaySecrets(access, DEMO_GATEWAYS);
  say(`demo: MQTT secrets issued for ${DEMO_GATEWAYS.join(', ')}`);
  await mkdir(join(options.dataRoot, 'demo'), { recursive: true, mode: 0o700 });
  await writeFile(stateFile, `${JSON.stringify({ password, gateways } satisfies DemoState, null, 2)}\n`, { mode: 0o600 });
  return { district, password, accounts: DEMO_PEOPLE, gateways };
}

interface Access {
  postgresUrl: string;
  repoRoot: string;
}

// Through the services' own admin CLIs: they own how passwords and secrets are hashed.
async function cli(access: Access, script: string, args: string[], input?: string): Promise<string> {
  const env = { ...process.env, GRIDSIGHT_DATABASE_URL: access.postgresUrl };
  const result = await runCommand(process.execPath, [join(access.repoRoot, script), ...args], { env, input });
  if (result.code !== 0) throw new StackError('COMMAND_FAILED', `${script} ${args[0]} ${describeExit(result)}:\n${result.output.trim()}`);
  return result.output;
}

/** Gives seeded people a password to sign in to the worker app with (dispatch-service's admin CLI). */
export async function issueSignIns(access: Access, district: District, people: Pick<DemoAccount, 'id' | 'role'>[], password: string): Promise<void> {
  for (const person of people) {
    const seeded = district.workers.find((w) => w.workerId === person.id)!;
    const cell = seeded.homeCellId ? ['--cell', seeded.homeCellId] : [];
    await cli(access, 'dispatch-service/dist/cli/admin.js', ['person', person.id, '--role', person.role, '--name', seeded.displayName, ...cell, '--password-stdin'], password);
  }
}

/**
 * New MQTT secrets through the broker's gateways CLI: `rotate` for registered gateways (the seeded
 * registry has no secrets), `provision` to register new ones.
 */
export async function issueGatewaySecrets(access: Access, gatewayIds: readonly string[], command: 'rotate' | 'provision' = 'rotate'): Promise<GatewayCredentials[]> {
  const gateways: GatewayCredentials[] = [];
  for (const gatewayId of gatewayIds) {
    const output = await cli(access, 'broker/dist/cli/gateways.js', [command, gatewayId]);
    const { password } = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)) as { password: string };
    gateways.push({ gatewayId, password });
  }
  return gateways;
}
