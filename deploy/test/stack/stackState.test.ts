import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunningStack, removeStackState, stackStateFile, writeStackState } from '../../src/stack/stackState.js';

describe('stack state file', () => {
  let dataRoot: string;
  beforeEach(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'gs-state-'));
  });
  afterEach(async () => {
    await rm(dataRoot, { recursive: true, force: true });
  });

  const state = (pid: number) => ({
    pid,
    kafkaBrokers: ['127.0.0.1:9092'],
    postgresUrl: 'postgres://postgres:secret@127.0.0.1:55432/gridsight',
    startedAt: '2026-01-01T00:00:00.000Z',
  });

  it('returns the stack while its owning process runs', async () => {
    await writeStackState(dataRoot, state(process.pid));
    assert.deepEqual(await readRunningStack(dataRoot), state(process.pid));
  });

  it('ignores a stack whose owning process has gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    await writeStackState(dataRoot, state(gone));
    assert.equal(await readRunningStack(dataRoot), undefined);
  });

  it('ignores a missing or damaged file', async () => {
    assert.equal(await readRunningStack(dataRoot), undefined);
    await writeFile(stackStateFile(dataRoot), '{"pid": "one"');
    assert.equal(await readRunningStack(dataRoot), undefined);
    await removeStackState(dataRoot);
  });
});
