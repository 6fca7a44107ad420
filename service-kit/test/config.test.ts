import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { ConfigError, loadEnvConfig } from '../src/index.js';

const Schema = Type.Object({
  GRIDSIGHT_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  GRIDSIGHT_MODE: Type.Union([Type.Literal('a'), Type.Literal('b')], { default: 'a' }),
  GRIDSIGHT_URL: Type.String(),
});

describe('loadEnvConfig', () => {
  it('applies defaults, coerces numbers and freezes the result', () => {
    const config = loadEnvConfig(Schema, { GRIDSIGHT_URL: 'x', UNRELATED: 'y' });
    assert.deepEqual({ ...config }, { GRIDSIGHT_PORT: 8080, GRIDSIGHT_MODE: 'a', GRIDSIGHT_URL: 'x' });
    assert.ok(Object.isFrozen(config));
    assert.equal(loadEnvConfig(Schema, { GRIDSIGHT_URL: 'x', GRIDSIGHT_PORT: '1883' }).GRIDSIGHT_PORT, 1883);
  });

  it('fails at start with a message naming the variable', () => {
    assert.throws(() => loadEnvConfig(Schema, { GRIDSIGHT_URL: 'x', GRIDSIGHT_PORT: '70000' }), (e: unknown) => e instanceof ConfigError && /GRIDSIGHT_PORT must be <= 65535/.test(e.message));
    assert.throws(() => loadEnvConfig(Schema, { GRIDSIGHT_URL: 'x', GRIDSIGHT_PORT: 'abc' }), /GRIDSIGHT_PORT must be integer/);
    assert.throws(() => loadEnvConfig(Schema, {}), /GRIDSIGHT_URL is required/);
  });

  it('reads a variable from the file named by <NAME>_FILE, as Docker secrets are mounted', () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'gs-config-')), 'url');
    writeFileSync(secret, 'postgres://app:s3cret@db/gridsight\n');
    assert.equal(loadEnvConfig(Schema, { GRIDSIGHT_URL_FILE: secret }).GRIDSIGHT_URL, 'postgres://app:s3cret@db/gridsight');
    assert.equal(loadEnvConfig(Schema, { GRIDSIGHT_URL: 'direct', GRIDSIGHT_URL_FILE: secret }).GRIDSIGHT_URL, 'direct');
    assert.throws(() => loadEnvConfig(Schema, { GRIDSIGHT_URL_FILE: '/nonexistent/secret' }), /GRIDSIGHT_URL_FILE=\/nonexistent\/secret cannot be read \(ENOENT\)/);
  });
});
