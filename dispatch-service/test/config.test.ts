import assert from 'node:assert/strict';
import { loadDispatchConfig, parseSlaTable } from '../src/config.js';
import { keyFile } from './support/serviceProcess.js';

describe('dispatch config', () => {
  const base = () => ({ GRIDSIGHT_DATABASE_URL: 'postgres://x@127.0.0.1/db', GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: keyFile() });

  it('has the agreed ports and the default SLA table', () => {
    const config = loadDispatchConfig(base());
    assert.equal(config.http.port, 8080);
    assert.equal(config.opsPort, 9303);
    assert.deepEqual(config.sla.manhole_open, { priority: 'P1', acceptWithinMinutes: 10, resolveWithinMinutes: 120 });
    assert.ok(Object.isFrozen(config));
  });

  it('merges an SLA override over the defaults, per kind and per field', () => {
    const table = parseSlaTable('{"bin_full":{"priority":"P2"},"manhole_open":{"acceptWithinMinutes":5}}');
    assert.deepEqual(table.bin_full, { priority: 'P2', acceptWithinMinutes: 60, resolveWithinMinutes: 720 });
    assert.equal(table.manhole_open.acceptWithinMinutes, 5);
    assert.equal(table.manhole_open.resolveWithinMinutes, 120);
  });

  it('refuses a bad SLA table, time zone or key file, naming the variable', () => {
    assert.throws(() => parseSlaTable('{"pothole":{}}'), /GRIDSIGHT_DISPATCH_SLA.*pothole|GRIDSIGHT_DISPATCH_SLA.*additional/i);
    assert.throws(() => parseSlaTable('{"bin_full":{"priority":"P9"}}'), /GRIDSIGHT_DISPATCH_SLA\.bin_full\.priority/);
    assert.throws(() => parseSlaTable('{"bin_full":{"acceptWithinMinutes":900}}'), /acceptWithinMinutes exceeds resolveWithinMinutes/);
    assert.throws(() => parseSlaTable('{oops'), /GRIDSIGHT_DISPATCH_SLA is not JSON/);
    assert.throws(() => loadDispatchConfig({ ...base(), GRIDSIGHT_DISPATCH_TIME_ZONE: 'Mars/Olympus' }), /GRIDSIGHT_DISPATCH_TIME_ZONE "Mars\/Olympus" is not an IANA time zone/);
    assert.throws(() => loadDispatchConfig({ ...base(), GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: '/nonexistent.pem' }), /GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE cannot be read/);
    assert.throws(() => loadDispatchConfig({ GRIDSIGHT_TOKEN_PRIVATE_KEY_FILE: 'x' }), /GRIDSIGHT_DATABASE_URL is required/);
    assert.throws(() => loadDispatchConfig({ ...base(), GRIDSIGHT_DISPATCH_MQTT_URL: 'mqtt://127.0.0.1:1883' }), /GRIDSIGHT_DISPATCH_MQTT_SECRET_FILE is required/);
    assert.throws(() => loadDispatchConfig({ ...base(), GRIDSIGHT_DISPATCH_MQTT_URL: 'http://x' }), /GRIDSIGHT_DISPATCH_MQTT_URL must start with mqtt:/);
    assert.equal(loadDispatchConfig(base()).mqtt, undefined, 'MQTT push is off unless configured');
  });
});
