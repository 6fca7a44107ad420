import assert from 'node:assert/strict';
import { ConfigError } from '@gridsight/service-kit';
import { loadStreamProcessorConfig } from '../src/config.js';

describe('stream processor config', () => {
  it('defaults to the local stack and the contract topics', () => {
    const config = loadStreamProcessorConfig({});
    assert.equal(config.GRIDSIGHT_KAFKA_BROKERS, '127.0.0.1:9092');
    assert.equal(config.GRIDSIGHT_SP_MERGE_RADIUS_M, 15);
    assert.equal(config.GRIDSIGHT_SP_OPS_PORT, 9302);
    assert.equal(config.GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS, 'anomaly-events');
    assert.equal(config.GRIDSIGHT_SP_TOPIC_DLQ, 'anomaly-events.dlq');
    assert.equal(config.GRIDSIGHT_DATABASE_URL, undefined);
    assert.equal(config.GRIDSIGHT_SP_MAX_BATCH, 5000);
    assert.equal(config.GRIDSIGHT_SP_FETCH_MAX_BYTES_PER_PARTITION, 4 * 1_048_576);
  });

  it('reads numbers from the environment', () => {
    assert.equal(loadStreamProcessorConfig({ GRIDSIGHT_SP_MERGE_RADIUS_M: '22.5' }).GRIDSIGHT_SP_MERGE_RADIUS_M, 22.5);
  });

  it('names the variable that is wrong', () => {
    assert.throws(() => loadStreamProcessorConfig({ GRIDSIGHT_SP_MERGE_RADIUS_M: '-3' }), (error: unknown) => error instanceof ConfigError && /GRIDSIGHT_SP_MERGE_RADIUS_M/.test(error.message));
    assert.throws(() => loadStreamProcessorConfig({ GRIDSIGHT_DATABASE_URL: 'mysql://x' }), /GRIDSIGHT_DATABASE_URL/);
    assert.throws(() => loadStreamProcessorConfig({ GRIDSIGHT_LOG_LEVEL: 'loud' }), /GRIDSIGHT_LOG_LEVEL must be one of/);
  });
});
