import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { freePort, repoRoot, startNode, waitFor, type Child } from '../helpers/processes.js';

interface Health {
  healthy: boolean;
  checks: { mqtt: string; model?: string; cameras: Array<{ deviceId: string; state: string; fps?: number; lastError?: string }> };
}

describe('edge agent with bad input: every camera fails its own way, the agent keeps going', function () {
  this.timeout(180_000);
  let dir: string;
  let server: Server;
  let httpBase: string;
  const children: Child[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-bad-'));
    const frames = join(dir, 'frames');
    mkdirSync(frames);
    const heldout = join(repoRoot, 'models', 'heldout', 'images');
    const good = readFileSync(join(heldout, readdirSync(heldout).sort()[0] as string));
    writeFileSync(join(frames, '1-good.jpg'), good);
    writeFileSync(join(frames, '2-corrupt.jpg'), randomBytes(5000));
    writeFileSync(join(frames, '3-truncated.jpg'), good.subarray(0, Math.floor(good.byteLength / 3)));
    writeFileSync(join(frames, '4-empty.jpg'), Buffer.alloc(0));
    // 100 megapixels: more than the detector accepts; refused from the header, never decoded.
    writeFileSync(join(frames, '5-huge.jpg'), await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#808080' } }).jpeg({ quality: 10 }).toBuffer());
    server = createServer((request, response) => {
      if (request.url === '/500.jpg') response.writeHead(500).end('boom');
      // '/hang.jpg' never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const startAgent = async (name: string, modelPath: string): Promise<{ agent: Child; opsPort: number }> => {
    const opsPort = await freePort();
    const location = { lat: 52.52, lon: 13.405 };
    const config = join(dir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        gatewayId: `gw-${name}`,
        model: { path: modelPath },
        cameras: [
          { id: 'cam-files', source: { type: 'folder', dir: join(dir, 'frames'), fps: 10 }, location },
          { id: 'cam-hang', source: { type: 'http', url: `${httpBase}/hang.jpg`, timeoutMs: 500 }, location },
          { id: 'cam-500', source: { type: 'http', url: `${httpBase}/500.jpg` }, location },
        ],
        sensors: [
          {
            id: 'bin-1',
            location,
            driver: { type: 'simulated', metric: 'fill_pct', values: [95, 10], intervalMs: 200 },
            rules: [{ metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, clearBelow: 50 }],
          },
        ],
        // Nobody listens there: the events stay on disk, which is all this test needs.
        broker: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnectMs: 1000 },
        buffer: { path: join(dir, `${name}.db`) },
        ops: { host: '127.0.0.1', port: opsPort },
      }),
    );
    const agent = startNode('edge-agent/dist/main.js', ['--config', config], {}, join(dir, `${name}.log`));
    children.push(agent);
    return { agent, opsPort };
  };
  const get = async (port: number, path: string): Promise<string | undefined> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
    return response ? response.text() : undefined;
  };
  const storedEvents = (agent: Child): number => agent.lines.filter((line) => line.includes('"msg":"event stored"')).length;

  it('reports corrupt, truncated, empty and 100-megapixel frames, a hanging URL and an HTTP 500, and keeps working', async () => {
    const { agent, opsPort } = await startAgent('bad-frames', join(repoRoot, 'models', 'gridsight-detector.onnx'));
    const metric = (text: string, code: string): number => Number(new RegExp(`gridsight_edge_frames_failed_total\\{[^}]*camera_id="cam-files"[^}]*code="${code}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    await waitFor('each bad frame to be counted twice (the folder loops)', async () => {
      const text = (await get(opsPort, '/metrics')) ?? '';
      return metric(text, 'IMAGE_INVALID') >= 6 && metric(text, 'IMAGE_TOO_LARGE') >= 2 ? true : undefined;
    }, 120_000);
    const health = await waitFor('both HTTP cameras to be reported failing', async () => {
      const report = JSON.parse((await get(opsPort, '/health')) ?? '{}') as Health;
      const states = Object.fromEntries((report.checks?.cameras ?? []).map((camera) => [camera.deviceId, camera]));
      return states['cam-hang']?.state === 'failing' && states['cam-500']?.state === 'failing' && (states['cam-files']?.fps ?? 0) > 0 ? states : undefined;
    });
    assert.match(health['cam-hang']?.lastError ?? '', /EDGE_SOURCE_TIMEOUT/);
    assert.match(health['cam-500']?.lastError ?? '', /HTTP 500/);
    assert.equal(health['cam-files']?.state, 'ok');
    const warned = agent.lines.filter((line) => line.includes('"msg":"frame skipped"')).join('\n');
    for (const file of ['2-corrupt.jpg', '3-truncated.jpg', '4-empty.jpg', '5-huge.jpg']) assert.match(warned, new RegExp(file));
    const before = storedEvents(agent);
    await waitFor('the sensor to go on producing events', () => (storedEvents(agent) > before + 2 ? true : undefined));
    agent.process.kill('SIGTERM');
    assert.equal(await agent.exited, 0);
  });

  for (const [what, write] of [
    ['a missing model', (_path: string) => undefined],
    ['a model that is not ONNX', (path: string) => writeFileSync(path, randomBytes(4096))],
  ] as const) {
    it(`runs the sensors and reports the cameras stopped with ${what}`, async () => {
      const modelPath = join(dir, `${what.replace(/\W+/g, '-')}.onnx`);
      write(modelPath);
      const { agent, opsPort } = await startAgent(what.replace(/\W+/g, '-'), modelPath);
      const report = await waitFor('the health report', async () => {
        const text = await get(opsPort, '/health');
        return text ? (JSON.parse(text) as Health) : undefined;
      });
      assert.equal(report.healthy, false);
      assert.match(report.checks.model ?? '', /MODEL_/);
      assert.ok(report.checks.cameras.every((camera) => camera.state === 'stopped' && /MODEL_/.test(camera.lastError ?? '')));
      await waitFor('sensor events despite the model', () => (storedEvents(agent) >= 2 ? true : undefined));
      agent.process.kill('SIGTERM');
      assert.equal(await agent.exited, 0);
    });
  }
});
