import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { assertPortFree } from '../../src/stack/ports.js';
import { isStackError } from '../../src/stack/stackError.js';

describe('port check', () => {
  let server: Server;
  let port: number;

  beforeEach(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reports a taken port plainly, with the port and the setting that moves us elsewhere', async () => {
    const claim = { port, likelyHolder: 'another Kafka', setting: 'GRIDSIGHT_KAFKA_PORT' };
    await assert.rejects(assertPortFree(claim), (error: unknown) => {
      assert.ok(isStackError(error, 'PORT_TAKEN'));
      assert.equal(
        error.message,
        `port ${port} on 127.0.0.1 is already in use (another Kafka?); set GRIDSIGHT_KAFKA_PORT to use another port`,
      );
      return true;
    });
  });

  it('passes a free port and leaves it free', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const claim = { port, likelyHolder: 'another PostgreSQL', setting: 'GRIDSIGHT_PG_PORT' };
    await assertPortFree(claim);
    await assertPortFree(claim);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
});
