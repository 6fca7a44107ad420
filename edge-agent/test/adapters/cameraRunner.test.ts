import { strict as assert } from 'node:assert';
import { createLogger } from '@gridsight/service-kit';
import { startCameraRunner } from '../../src/adapters/cameraRunner.js';
import { createFrameQueue } from '../../src/adapters/frameQueue.js';
import { EdgeError } from '../../src/errors.js';
import type { FrameSource } from '../../src/adapters/sources/frameSource.js';
import { waitFor } from '../helpers/processes.js';

describe('camera runner', () => {
  it('retries a failing source with growing delays and reports it, while another camera keeps delivering', async () => {
    const logger = createLogger('edge-agent-test', 'silent');
    const queue = createFrameQueue(1000, () => undefined);
    const attempts: number[] = [];
    let healthyAfter = 4;
    const failing: FrameSource = {
      next: async () => {
        attempts.push(Date.now());
        if (--healthyAfter > 0) throw new EdgeError('EDGE_SOURCE_FAILED', 'http://cam answered HTTP 500');
        return { bytes: new Uint8Array([1]), label: 'ok' };
      },
      close: async () => undefined,
    };
    const good: FrameSource = { next: async () => ({ bytes: new Uint8Array([2]), label: 'good' }), close: async () => undefined };
    const bad = startCameraRunner({ cameraId: 'bad', fps: 50, source: failing, queue, logger, backoffMs: 40, maxBackoffMs: 1000 });
    const ok = startCameraRunner({ cameraId: 'ok', fps: 50, source: good, queue, logger });
    await waitFor('the first failure', () => (bad.health().state === 'failing' ? true : undefined), 5000, 5);
    assert.match(bad.health().lastError ?? '', /HTTP 500/);
    assert.equal(ok.health().state, 'ok');
    await waitFor('the failing source to recover', () => (attempts.length >= 4 && bad.health().state === 'ok' ? true : undefined), 10_000, 10);
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] as number));
    assert.ok((gaps[2] as number) >= (gaps[0] as number), `retry delays grow: ${gaps.join(', ')} ms`);
    assert.ok(gaps.every((gap) => gap >= 35), `each retry waits the backoff: ${gaps.join(', ')} ms`);
    await Promise.all([bad.stop(), ok.stop()]);
    assert.equal(bad.health().state, 'stopped');
    assert.ok(queue.depth() > 1);
  });
});
