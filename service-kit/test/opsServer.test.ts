import assert from 'node:assert/strict';
import { createMetricsRegistry, startOpsServer, type OpsServer } from '../src/index.js';

describe('ops server', () => {
  let healthy = true;
  let server: OpsServer;
  before(async () => {
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry: createMetricsRegistry('test-service'),
      health: () => ({ healthy, checks: { kafka: healthy ? 'connected' : 'down' } }),
    });
  });
  after(() => server.close());

  const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server.port}${path}`, { method });

  it('answers /health with 200 when healthy and 503 when not', async () => {
    healthy = true;
    assert.equal((await get('/health')).status, 200);
    healthy = false;
    const response = await get('/health');
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { healthy: false, checks: { kafka: 'down' } });
  });

  it('serves Prometheus metrics with the service label and prefix', async () => {
    const text = await (await get('/metrics')).text();
    assert.match(text, /gridsight_test_service_process_cpu_seconds_total\{service="test-service"\}/);
  });

  it('answers unknown paths and methods with a 4xx that says what exists', async () => {
    const missing = await get('/nope');
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /try \/health or \/metrics/);
    assert.equal((await get('/health', 'POST')).status, 405);
  });
});
