import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { exportedJsonSchemas } from '../src/index.js';
import { cameraEvent, gatewayStatus, telemetry } from './fixtures.js';

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

describe('exported JSON Schema files', () => {
  it('are committed exactly as the code generates them (run `npm run contracts:schemas` after a change)', () => {
    const generated = exportedJsonSchemas();
    assert.deepEqual(readdirSync(schemasDir).sort(), Object.keys(generated).sort());
    for (const [file, schema] of Object.entries(generated)) {
      assert.equal(readFileSync(join(schemasDir, file), 'utf8'), `${JSON.stringify(schema, null, 2)}\n`, `${file} drifted from the code`);
    }
  });

  it('validate real messages with a plain JSON Schema validator, as a gateway maker would use them', () => {
    // A third party's validator knows nothing of our annotations; it ignores them rather than failing.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const load = (file: string) => ajv.compile(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')));
    const anomaly = load('anomaly-v1.schema.json');
    assert.ok(anomaly(cameraEvent()), JSON.stringify(anomaly.errors));
    assert.ok(!anomaly({ ...cameraEvent(), confidence: 1.2 }));
    assert.ok(load('gateway-status-v1.schema.json')(gatewayStatus()));
    assert.ok(load('telemetry-v1.schema.json')(telemetry()));
  });
});
