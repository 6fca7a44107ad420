import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderSource } from '../../../src/adapters/sources/folderSource.js';

describe('folder source', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-folder-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the images in name order and ends after one pass without loop', async () => {
    for (const name of ['b.jpg', 'a.JPG', 'notes.txt', 'c.png']) writeFileSync(join(dir, name), name);
    const source = createFolderSource({ dir, extensions: ['.jpg', '.png'], loop: false });
    const labels: string[] = [];
    for (let frame = await source.next(); frame; frame = await source.next()) labels.push(frame.label);
    assert.deepEqual(labels, ['a.JPG', 'b.jpg', 'c.png']);
  });

  it('starts over with loop', async () => {
    writeFileSync(join(dir, 'a.jpg'), 'a');
    const source = createFolderSource({ dir, extensions: ['.jpg'], loop: true });
    assert.equal((await source.next())?.label, 'a.jpg');
    assert.equal((await source.next())?.label, 'a.jpg');
  });

  it('fails clearly on a missing or empty directory', async () => {
    await assert.rejects(createFolderSource({ dir: join(dir, 'nope'), extensions: ['.jpg'], loop: true }).next(), /EDGE_SOURCE_FAILED.*ENOENT/);
    await assert.rejects(createFolderSource({ dir, extensions: ['.jpg'], loop: true }).next(), /EDGE_SOURCE_FAILED: .*no \.jpg files/);
  });
});
