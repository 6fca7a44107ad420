import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { loadStackConfig, STACK_DEFAULTS } from '../../src/stack/stackConfig.js';
import { isStackError } from '../../src/stack/stackError.js';

function rejection(env: Record<string, string>): string {
  try {
    loadStackConfig(env);
  } catch (error) {
    assert.ok(isStackError(error, 'CONFIG_INVALID'));
    return error.message;
  }
  assert.fail('the config was accepted');
}

describe('stack config', () => {
  it('defaults to the repo-local .data folder and ports that avoid a system PostgreSQL', () => {
    const config = loadStackConfig({});
    assert.deepEqual(config, STACK_DEFAULTS);
    assert.equal(config.dataRoot, join(resolve(import.meta.dirname, '../../..'), '.data'));
    assert.equal(config.pgPort, 55432);
    assert.ok(Object.isFrozen(config));
  });

  it('rejects a port that is not a number, naming the variable', () => {
    assert.equal(
      rejection({ GRIDSIGHT_KAFKA_PORT: 'abc' }),
      'GRIDSIGHT_KAFKA_PORT must be a TCP port number from 1 to 65535, not "abc"',
    );
  });

  it('rejects a port out of range, naming the variable', () => {
    assert.match(rejection({ GRIDSIGHT_PG_PORT: '70000' }), /^GRIDSIGHT_PG_PORT must be .* not "70000"$/);
    assert.match(rejection({ GRIDSIGHT_KAFKA_CONTROLLER_PORT: '0' }), /^GRIDSIGHT_KAFKA_CONTROLLER_PORT /);
  });

  it('rejects two services on one port', () => {
    assert.equal(
      rejection({ GRIDSIGHT_PG_PORT: '9092' }),
      'GRIDSIGHT_KAFKA_PORT and GRIDSIGHT_PG_PORT are both 9092; each service needs its own port',
    );
  });

  it('takes overrides, and treats an empty value as unset', () => {
    const config = loadStackConfig({ GRIDSIGHT_DATA_DIR: '/var/tmp/gs', GRIDSIGHT_KAFKA_PORT: '19092', GRIDSIGHT_PG_PORT: '' });
    assert.equal(config.dataRoot, '/var/tmp/gs');
    assert.equal(config.kafkaPort, 19092);
    assert.equal(config.pgPort, STACK_DEFAULTS.pgPort);
  });
});
