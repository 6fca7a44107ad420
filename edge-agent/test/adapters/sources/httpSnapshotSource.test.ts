import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSnapshotSource } from '../../../src/adapters/sources/httpSnapshotSource.js';

describe('HTTP snapshot source', () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/ok.jpg') response.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
      else if (request.url === '/broken') response.writeHead(500).end('camera firmware crashed');
      else if (request.url === '/private.jpg') {
        const ok = request.headers.authorization === `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
        response.writeHead(ok ? 200 : 401).end(ok ? Buffer.from([0xff, 0xd8]) : undefined);
      } else if (request.url === '/huge') response.writeHead(200).end(Buffer.alloc(4096));
      // '/hang' never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the body of a snapshot', async () => {
    const frame = await createHttpSnapshotSource({ url: `${base}/ok.jpg`, timeoutMs: 5000, maxBytes: 1024 }).next();
    assert.deepEqual([...(frame?.bytes ?? [])], [0xff, 0xd8, 0xff, 0xd9]);
  });

  it('reports an HTTP 500 as a failed source', async () => {
    await assert.rejects(createHttpSnapshotSource({ url: `${base}/broken`, timeoutMs: 5000, maxBytes: 1024 }).next(), /EDGE_SOURCE_FAILED.*HTTP 500/);
  });

  it('gives up on a URL that hangs after its timeout', async () => {
    await assert.rejects(createHttpSnapshotSource({ url: `${base}/hang`, timeoutMs: 300, maxBytes: 1024 }).next(), /EDGE_SOURCE_TIMEOUT.*300 ms/);
  });

  it('reports a malformed URL when asked for a frame instead of throwing at start', async () => {
    await assert.rejects(createHttpSnapshotSource({ url: 'http://[::1', timeoutMs: 300, maxBytes: 1024 }).next(), /EDGE_SOURCE_FAILED.*not a valid URL/);
  });

  it('refuses a body over the size bound', async () => {
    await assert.rejects(createHttpSnapshotSource({ url: `${base}/huge`, timeoutMs: 5000, maxBytes: 1024 }).next(), /EDGE_SOURCE_FAILED.*1024 bytes/);
  });

  it('sends credentials of the URL as Basic auth and hides them in errors and labels', async () => {
    const url = base.replace('http://', 'http://admin:s3cret@');
    const frame = await createHttpSnapshotSource({ url: `${url}/private.jpg`, timeoutMs: 5000, maxBytes: 1024 }).next();
    assert.equal(frame?.bytes.byteLength, 2);
    assert.ok(!frame?.label.includes('s3cret'));
    await assert.rejects(
      createHttpSnapshotSource({ url: `${url}/broken`, timeoutMs: 5000, maxBytes: 1024 }).next(),
      (error: Error) => !error.message.includes('s3cret') && /\*\*\*@/.test(error.message),
    );
  });
});
