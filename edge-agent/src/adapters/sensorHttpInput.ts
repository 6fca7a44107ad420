import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkReadingsBody } from '../core/sensorReadingsBody.js';
import type { SensorChannel } from './sensorChannel.js';

const MAX_BODY_BYTES = 16 * 1024;

export interface SensorHttpInput {
  readonly port: number;
  close(): Promise<void>;
}

// Hashing first makes the comparison constant-time whatever the lengths.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** POST /v1/sensors/{id}/readings with a bearer token: local sensors (or their bridge) hand readings to the agent. */
export async function startSensorHttpInput(options: { host: string; port: number; token: string; channels: ReadonlyMap<string, SensorChannel> }): Promise<SensorHttpInput> {
  const expected = digest(options.token);
  const reply = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const match = /^\/v1\/sensors\/([^/]+)\/readings$/.exec((request.url ?? '').split('?')[0] ?? '');
    if (!match) return reply(response, 404, { error: 'no such path; POST /v1/sensors/{sensorId}/readings' });
    if (request.method !== 'POST') return reply(response, 405, { error: 'only POST is served here' });
    const auth = request.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !timingSafeEqual(digest(auth.slice(7)), expected)) return reply(response, 401, { error: 'a valid bearer token is required' });
    const sensorId = decodeURIComponent(match[1] as string);
    const channel = options.channels.get(sensorId);
    if (!channel) return reply(response, 404, { error: `no sensor ${sensorId} with the http driver is configured` });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).byteLength;
      if (size > MAX_BODY_BYTES) return reply(response, 413, { error: `the body exceeds ${MAX_BODY_BYTES} bytes` });
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(response, 400, { error: 'the body is not JSON' });
    }
    const checked = checkReadingsBody(body);
    if (!checked.ok) return reply(response, 400, { error: 'invalid readings', fields: checked.problems.slice(0, 10) });
    const observedAt = checked.body.observedAt ? new Date(checked.body.observedAt) : new Date();
    channel.ingest(checked.body.readings, observedAt);
    return reply(response, 202, { accepted: checked.body.readings.length });
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => reply(response, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
