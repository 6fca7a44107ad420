import { strict as assert } from 'node:assert';
import { createFrameQueue } from '../../src/adapters/frameQueue.js';

const frame = (cameraId: string, label: string) => ({ cameraId, frame: { bytes: new Uint8Array(), label }, capturedAt: new Date(0) });

describe('frame queue', () => {
  it('keeps at most N frames per camera, dropping that camera’s oldest and counting it', async () => {
    const dropped: string[] = [];
    const queue = createFrameQueue(2, (cameraId) => dropped.push(cameraId));
    for (const label of ['1', '2', '3', '4']) queue.push(frame('fast', label));
    queue.push(frame('slow', 'a'));
    assert.deepEqual(dropped, ['fast', 'fast']);
    assert.equal(queue.depth(), 3);
    const order = [(await queue.next())?.frame.label, (await queue.next())?.frame.label, (await queue.next())?.frame.label];
    assert.deepEqual(order, ['3', 'a', '4'], 'cameras take turns');
  });

  it('hands a frame straight to a waiting worker and ends it on close', async () => {
    const queue = createFrameQueue(1, () => assert.fail('nothing to drop'));
    const waiting = queue.next();
    queue.push(frame('cam', 'x'));
    assert.equal((await waiting)?.frame.label, 'x');
    const last = queue.next();
    queue.close();
    assert.equal(await last, undefined);
  });

  it('gives the next waiting frame without waiting, or nothing', async () => {
    const queue = createFrameQueue(2, () => assert.fail('nothing to drop'));
    assert.equal(queue.poll(), undefined);
    queue.push(frame('cam', 'x'));
    assert.equal(queue.poll()?.frame.label, 'x');
    assert.equal(queue.depth(), 0);
  });
});
