import assert from 'node:assert/strict';
import type { ExitStatus } from '../../src/stack/runCommand.js';
import { StackError } from '../../src/stack/stackError.js';
import { waitForOwnServer, type OwnServerOptions } from '../../src/stack/waitUntilReady.js';

const never = new Promise<ExitStatus>(() => undefined);

function options(overrides: Partial<OwnServerOptions<string>>): OwnServerOptions<string> {
  return {
    name: 'kafka',
    address: '127.0.0.1:9092',
    logFile: '/tmp/kafka.log',
    probe: () => Promise.resolve('ours'),
    expected: 'ours',
    describe: (id) => `cluster ${id}`,
    exitReport: () => Promise.resolve('the last lines: boom'),
    exited: never,
    timeoutMs: 2_000,
    intervalMs: 10,
    ...overrides,
  };
}

async function refusal(promise: Promise<void>): Promise<StackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof StackError, `a StackError, not ${String(error)}`);
  return error;
}

describe('waitForOwnServer', () => {
  it('resolves once our own server answers, after failed attempts', async () => {
    let attempts = 0;
    await waitForOwnServer(options({ probe: () => (++attempts < 3 ? Promise.reject(new Error('refused')) : Promise.resolve('ours')) }));
    assert.equal(attempts, 3);
  });

  it('refuses a server that is not ours, naming both', async () => {
    const error = await refusal(waitForOwnServer(options({ probe: () => Promise.resolve('theirs') })));
    assert.equal(error.code, 'WRONG_SERVER');
    assert.match(error.message, /a different kafka \(cluster theirs\) answers on 127\.0\.0\.1:9092, not ours \(cluster ours\)/);
  });

  it('reports a server that died during start-up with its exit and log', async () => {
    const exited = Promise.resolve({ code: 1, signal: null } as ExitStatus);
    const error = await refusal(waitForOwnServer(options({ exited, probe: () => Promise.reject(new Error('refused')) })));
    assert.equal(error.code, 'EXITED_EARLY');
    assert.match(error.message, /during start-up; the last lines: boom/);
  });

  it('gives up after the timeout with the last attempt\'s error', async () => {
    const error = await refusal(waitForOwnServer(options({ timeoutMs: 50, probe: () => Promise.reject(new Error('connection refused')) })));
    assert.equal(error.code, 'START_TIMEOUT');
    assert.match(error.message, /did not answer on 127\.0\.0\.1:9092 within 0\.05 s \(last attempt: Error: connection refused\); see \/tmp\/kafka\.log/);
  });

  it('stops when the start is called off', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await refusal(waitForOwnServer(options({ signal: controller.signal, probe: () => Promise.reject(new Error('refused')) })));
    assert.equal(error.code, 'ABORTED');
  });
});
