import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { freePorts } from '../../src/testing/index.js';

const run = promisify(execFile);
const GRIDSIGHT_NODE_TYPES = ['gridsight-dispatch', 'gridsight-incident-in', 'gridsight-ticket-event-in', 'gridsight-ticket-action'];

interface NodeSet {
  module: string;
  types: string[];
  enabled: boolean;
  err?: unknown;
}

// The compose Node-RED image installs the Gridsight nodes from two packed tarballs
// (deploy/node-red/Dockerfile). No image can be built here, so this repeats that install step on
// a Node-RED user directory and asks a real Node-RED runtime which nodes it registered.
describe('the Node-RED nodes as the compose image installs them', function () {
  this.timeout(180_000);
  let workDir: string;
  let nodeRed: ChildProcess | undefined;
  let log = '';
  let url: string;

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'gs-node-red-'));
    const packages = join(workDir, 'packages');
    const userDir = join(workDir, 'user');
    await Promise.all([mkdir(packages), mkdir(userDir)]);
    await run('npm', ['pack', '-w', 'contracts', '--pack-destination', packages], { cwd: repoRoot });
    await run('npm', ['pack', './dispatch-service/node-red', '--pack-destination', packages], { cwd: repoRoot });
    await writeFile(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-user', private: true }));
    const tarballs = (await readdir(packages)).map((name) => join(packages, name));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', ...tarballs], { cwd: userDir });
    const [port] = await freePorts(1);
    const redJs = join(createRequire(import.meta.url).resolve('node-red/package.json'), '..', 'red.js');
    nodeRed = spawn(process.execPath, [redJs, '--userDir', userDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    nodeRed.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    nodeRed.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    nodeRed?.kill('SIGTERM');
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('registers every Gridsight node type, enabled and without error', async () => {
    let sets: NodeSet[] = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${url}/nodes`, { headers: { accept: 'application/json' } }).catch(() => undefined);
      if (response?.ok) {
        sets = (await response.json()) as NodeSet[];
        break;
      }
      await sleep(500);
    }
    assert.ok(sets.length > 0, `Node-RED answered /nodes within 90 s; its log:\n${log}`);
    const ours = sets.filter((set) => set.module === '@gridsight/node-red-nodes');
    assert.deepEqual(ours.flatMap((set) => set.types).sort(), [...GRIDSIGHT_NODE_TYPES].sort());
    for (const set of ours) {
      assert.equal(set.enabled, true, `${set.types.join()} is enabled`);
      assert.equal(set.err, undefined, `${set.types.join()} loaded without error: ${JSON.stringify(set.err)}`);
    }
    assert.equal(sets.filter((set) => set.types.some((type) => GRIDSIGHT_NODE_TYPES.includes(type))).length, ours.length, 'no other module registers the same types');
  });

  it('is the install step the Dockerfile runs', async () => {
    const dockerfile = await readFile(join(repoRoot, 'deploy', 'node-red', 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /npm pack -w contracts/);
    assert.match(dockerfile, /npm pack \.\/dispatch-service\/node-red/);
    assert.match(dockerfile, /npm install --no-audit --no-fund --omit=dev \/tmp\/gridsight-packages\/\*\.tgz/);
  });
});
