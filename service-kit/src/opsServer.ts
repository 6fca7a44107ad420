import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthReport {
  healthy: boolean;
  /** Per dependency or part, e.g. { kafka: 'connected', db: 'ok' }. */
  checks: Record<string, unknown>;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  health: () => Promise<HealthReport> | HealthReport;
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** GET /health (200 healthy, 503 not) and GET /metrics (Prometheus text) on a port of their own. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { 'content-type': 'application/json', allow: 'GET' }).end(JSON.stringify({ error: 'only GET is served here' }));
      return;
    }
    const respond = async (): Promise<void> => {
      if (path === '/health') {
        const report = await options.health();
        response.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      } else if (path === '/metrics') {
        response.writeHead(200, { 'content-type': options.registry.contentType }).end(await options.registry.metrics());
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no such path ${path}; try /health or /metrics` }));
      }
    };
    respond().catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
