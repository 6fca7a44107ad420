import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, uniqueName, type TestDatabase } from '@gridsight/deploy/testing';
import { verifySecret } from '@gridsight/service-kit';
import pg from 'pg';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'gateways.js');

describe('gateways CLI', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let client: pg.Client;
  const gateways = (...args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, GRIDSIGHT_DATABASE_URL: db.url } });
  const failure = (...args: string[]) => gateways(...args).then(() => assert.fail('the command succeeded'), (error: { code: number; stderr: string }) => error);
  const stored = async (id: string) => (await client.query('SELECT secret_hash, state FROM gateways WHERE gateway_id = $1', [id])).rows[0] as { secret_hash: string; state: string };

  before(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await db?.drop();
  });

  it('provisions a gateway, printing its password once and storing only a scrypt hash of it', async () => {
    const id = uniqueName('gw').replace(/_/g, '-');
    const { stdout } = await gateways('provision', id, '--name', 'corner camera');
    const printed = JSON.parse(stdout) as { username: string; clientId: string; password: string };
    assert.equal(printed.username, id);
    assert.equal(printed.clientId, id);
    const row = await stored(id);
    assert.ok(!row.secret_hash.includes(printed.password));
    assert.ok(await verifySecret(printed.password, row.secret_hash));
    assert.equal((await failure('provision', id)).code, 2);
  });

  it('rotates (the old password stops verifying) and revokes', async () => {
    const id = uniqueName('gw').replace(/_/g, '-');
    const first = JSON.parse((await gateways('provision', id)).stdout) as { password: string };
    const second = JSON.parse((await gateways('rotate', id)).stdout) as { password: string };
    const row = await stored(id);
    assert.ok(await verifySecret(second.password, row.secret_hash));
    assert.equal(await verifySecret(first.password, row.secret_hash), false);
    await gateways('revoke', id);
    assert.equal((await stored(id)).state, 'revoked');
    assert.match((await failure('rotate', id)).stderr, /no active gateway/);
    const listed = JSON.parse((await gateways('list')).stdout) as Array<{ gateway_id: string; state: string }>;
    assert.equal(listed.find((g) => g.gateway_id === id)?.state, 'revoked');
  });

  it('provisions a service account whose username and client id follow the broker\'s convention', async () => {
    const id = uniqueName('svc').replace(/_/g, '-');
    const printed = JSON.parse((await gateways('service-provision', id)).stdout) as { username: string; clientId: string };
    assert.equal(printed.username, `service:${id}`);
    assert.equal(printed.clientId, `service/${id}/<instance>`);
  });

  it('refuses ids that could widen a topic, and bad fingerprints, with exit 2', async () => {
    for (const args of [['provision', 'gw/#'], ['provision', ''], ['provision', 'gw-ok', '--cert-fingerprint', 'abc'], ['provision', 'gw-ok2', '--no-secret'], ['frobnicate', 'x']]) {
      assert.equal((await failure(...args)).code, 2, args.join(' '));
    }
  });
});
