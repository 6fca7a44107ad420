import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot, startNode } from '../helpers/processes.js';

const run = promisify(execFile);
const main = join(repoRoot, 'edge-agent', 'dist', 'main.js');

describe('edge agent CLI', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--check-config exits 0 for the shipped example and 2 naming the field of a bad file', async () => {
    const { stdout } = await run(process.execPath, [main, '--config', join(repoRoot, 'deploy', 'gateway', 'edge-agent.example.yaml'), '--check-config']);
    assert.match(stdout, /valid \(gateway gw-qh-01, 2 cameras, 2 sensors\)/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'gatewayId: gw-1\nmodel: { path: m.onnx }\nbroker: { url: "mqtt://x:1883", maxInFlight: 0 }\n');
    await assert.rejects(run(process.execPath, [main, '--config', bad, '--check-config']), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /broker\.maxInFlight must be >= 1/);
      return true;
    });
    await assert.rejects(run(process.execPath, [main, '--config', join(dir, 'missing.yaml')]), (error: { code?: number; stderr?: string }) => error.code === 2 && /cannot read .*ENOENT/.test(error.stderr ?? ''));
  });

  it('--once makes one pass over a folder and exits 0', async () => {
    const config = join(dir, 'once.json');
    writeFileSync(
      config,
      JSON.stringify({
        gatewayId: 'gw-once',
        model: { path: join(repoRoot, 'models', 'gridsight-detector.onnx') },
        cameras: [{ id: 'cam-1', source: { type: 'folder', dir: join(repoRoot, 'models', 'heldout', 'images'), fps: 20 }, location: { lat: 52.5, lon: 13.4 } }],
        broker: { url: `mqtt://127.0.0.1:${await freePort()}` },
        buffer: { path: join(dir, 'once.db') },
        ops: { host: '127.0.0.1', port: 0 },
      }),
    );
    const agent = startNode('edge-agent/dist/main.js', ['--config', config, '--once'], {}, join(dir, 'once.log'));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([agent.exited, new Promise((resolve) => (timer = setTimeout(resolve, 100_000, 'still running after 100 s')))]);
    clearTimeout(timer);
    assert.equal(code, 0);
    assert.ok(agent.lines.some((line) => line.includes('"msg":"model loaded"')));
    assert.ok(!agent.lines.some((line) => line.includes('"msg":"frame skipped"')), 'every held-out image is a valid frame');
  });
});
