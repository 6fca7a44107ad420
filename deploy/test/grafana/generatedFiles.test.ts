import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GRAFANA_DIR } from '../../src/grafana/grafanaDir.js';
import { generateGrafanaFiles } from '../../src/grafana/generateFiles.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(GRAFANA_DIR, path)];
  });
}

describe('Grafana provisioning files', () => {
  it('are committed exactly as the dashboards-as-code generate them (run `npm run dashboards` after a change)', () => {
    const generated = generateGrafanaFiles();
    assert.deepEqual(filesUnder(GRAFANA_DIR).sort(), Object.keys(generated).sort());
    for (const [path, content] of Object.entries(generated)) {
      assert.equal(readFileSync(join(GRAFANA_DIR, path), 'utf8'), content, `deploy/grafana/${path} drifted from the code`);
    }
  });

  it('label every dashboard and panel in Chinese with English', () => {
    const generated = generateGrafanaFiles();
    for (const [path, content] of Object.entries(generated)) {
      if (!path.startsWith('dashboards/')) continue;
      const dashboard = JSON.parse(content) as { title: string; panels: { title: string; type: string }[] };
      for (const title of [dashboard.title, ...dashboard.panels.map((p) => p.title)]) {
        assert.match(title, /\p{Script=Han}.*[A-Za-z]/u, `"${title}" in ${path} has Chinese followed by English`);
      }
    }
  });
});
