import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { composeCommand } from '../../src/compose/composeCommand.js';

const composeFile = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'compose', 'compose.yaml');
const SECRETS = ['postgres_password', 'database_url', 'grafana_db_password', 'grafana_admin_password', 'token_private_key.pem', 'token_public_key.pem', 'mqtt_tls_cert.pem', 'mqtt_tls_key.pem', 'mqtt_tls_ca.pem'];

interface ComposeModel {
  services: Record<string, { image?: string; healthcheck?: unknown; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; secrets?: unknown[] }>;
  secrets: Record<string, { file: string }>;
}

describe('the production compose file', function () {
  this.timeout(60_000);
  let model: ComposeModel;
  let projectDir: string;

  before(async () => {
    // `config` resolves secret files; the real ones are made on the server by make-secrets.sh.
    projectDir = await mkdtemp(join(tmpdir(), 'gs-compose-'));
    for (const secret of SECRETS) await writeFile(join(projectDir, secret), 'placeholder');
    const [command, ...prefix] = await composeCommand();
    const { stdout } = await promisify(execFile)(command!, [...prefix, '-p', 'gridsight', '-f', composeFile, 'config'], {
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, GRIDSIGHT_SECRETS_DIR: projectDir },
    });
    model = parse(stdout) as ComposeModel;
  });
  after(() => rm(projectDir, { recursive: true, force: true }));

  it('is accepted by `docker compose config` and names every service the issue lists', () => {
    const services = Object.keys(model.services).sort();
    for (const name of ['kafka-1', 'kafka-2', 'kafka-3', 'timescaledb', 'grafana', 'prometheus', 'redis', 'broker', 'stream-processor', 'dispatch-service', 'node-red', 'migrate']) {
      assert.ok(services.includes(name), `${name} is in ${services.join(', ')}`);
    }
  });

  it('gives every long-running service a health check', () => {
    for (const [name, service] of Object.entries(model.services)) {
      if (name === 'migrate') continue;
      assert.ok(service.healthcheck, `${name} has a healthcheck`);
    }
  });

  it('keeps secrets in files, never in the environment', () => {
    for (const [name, service] of Object.entries(model.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        assert.ok(!/PASSWORD$|SECRET$|PRIVATE_KEY$|DATABASE_URL$/.test(key), `${name}.${key} should be a *_FILE secret`);
        assert.doesNotMatch(String(value), /postgres:\/\/[^@/]+:[^@/]+@/, `${name}.${key} carries a password`);
      }
    }
    assert.ok(Object.values(model.secrets).every((s) => s.file.startsWith(projectDir)));
  });

  it('starts services only after the schema and topics are provisioned', () => {
    for (const name of ['broker', 'stream-processor', 'dispatch-service', 'grafana']) {
      assert.equal(model.services[name]!.depends_on?.migrate?.condition, 'service_completed_successfully', name);
    }
  });
});
