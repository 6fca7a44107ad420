import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { generateGrafanaFiles } from '../../src/grafana/generateFiles.js';

// Grafana publishes its dashboard model as TypeScript (@grafana/schema, generated from its CUE
// schema); turning that type into JSON Schema lets a test hold every generated dashboard to it.
function grafanaDashboardSchema(): object {
  const require = createRequire(import.meta.url);
  const schemaPackage = dirname(require.resolve('@grafana/schema/package.json'));
  return createGenerator({
    path: join(schemaPackage, 'dist', 'types', 'raw', 'dashboard', 'x', 'types.gen.d.ts'),
    type: 'Dashboard',
    skipTypeCheck: true,
    expose: 'all',
    additionalProperties: true,
  }).createSchema('Dashboard');
}

describe('generated dashboards against Grafana’s own dashboard schema (@grafana/schema)', function () {
  this.timeout(60_000);

  it('validates every dashboard', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(grafanaDashboardSchema());
    const dashboards = Object.entries(generateGrafanaFiles()).filter(([path]) => path.startsWith('dashboards/'));
    assert.equal(dashboards.length, 3);
    for (const [path, content] of dashboards) {
      const valid = validate(JSON.parse(content));
      assert.ok(valid, `${path}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
    }
  });

  it('would catch a broken dashboard (the check is not vacuous)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(grafanaDashboardSchema());
    const dashboard = JSON.parse(generateGrafanaFiles()['dashboards/kpis.json']!) as { panels: { gridPos: unknown }[]; title: unknown };
    dashboard.title = 42;
    dashboard.panels[0]!.gridPos = { w: 'wide' };
    assert.equal(validate(dashboard), false);
  });
});
