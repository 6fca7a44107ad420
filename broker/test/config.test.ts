import assert from 'node:assert/strict';
import { ConfigError } from '@gridsight/service-kit';
import { loadBrokerConfig } from '../src/config.js';

describe('broker config', () => {
  it('has working defaults: the agreed ports and the local stack', () => {
    const config = loadBrokerConfig({});
    assert.deepEqual([config.mqttPort, config.mqttsPort, config.wsPort, config.opsPort], [1883, 8883, 8083, 9301]);
    assert.equal(config.redisUrl, 'redis://127.0.0.1:56379');
    assert.equal(config.tls, undefined);
    assert.ok(Object.isFrozen(config));
  });

  it('names the variable of a bad value', () => {
    assert.throws(() => loadBrokerConfig({ GRIDSIGHT_MQTT_PORT: 'x' }), (error: Error) => error instanceof ConfigError && /GRIDSIGHT_MQTT_PORT/.test(error.message));
    assert.throws(() => loadBrokerConfig({ GRIDSIGHT_LOG_LEVEL: 'loud' }), /GRIDSIGHT_LOG_LEVEL must be one of fatal, error/);
  });

  it('refuses half a TLS setup and unreadable files, naming them', () => {
    assert.throws(() => loadBrokerConfig({ GRIDSIGHT_TLS_CERT_FILE: '/etc/hostname' }), /GRIDSIGHT_TLS_CERT_FILE and GRIDSIGHT_TLS_KEY_FILE must be set together/);
    assert.throws(() => loadBrokerConfig({ GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE: '/nonexistent/key.pem' }), /GRIDSIGHT_TOKEN_PUBLIC_KEY_FILE names \/nonexistent\/key.pem, which cannot be read \(ENOENT\)/);
  });
});
