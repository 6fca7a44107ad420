import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GRAFANA_DIR } from '../grafana/grafanaDir.js';
import { generateGrafanaFiles } from '../grafana/generateFiles.js';

// `npm run dashboards`: regenerates deploy/grafana from the dashboards-as-code.
for (const [path, content] of Object.entries(generateGrafanaFiles())) {
  const target = join(GRAFANA_DIR, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.error(`dashboards: wrote deploy/grafana/${path}`);
}
