import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportedJsonSchemas } from '../jsonSchemas.js';

const outDir = resolve(process.argv[2] ?? 'schemas');
mkdirSync(outDir, { recursive: true });
for (const [file, schema] of Object.entries(exportedJsonSchemas())) {
  writeFileSync(join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${join(outDir, file)}`);
}
