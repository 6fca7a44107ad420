import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { TlsFiles } from '../../config.js';

export type ListenerName = 'tcp' | 'tls' | 'ws';

export interface ListenerOptions {
  host: string;
  tcpPort: number;
  tlsPort: number;
  wsPort: number;
  tls?: TlsFiles;
  maxConnections: number;
  maxPacketBytes: number;
  handle(conn: Duplex, req?: IncomingMessage): void;
  onConnection(listener: ListenerName, open: number): void;
  onRefused(reason: string): void;
}

export interface Listeners {
  ports: Partial<Record<ListenerName, number>>;
  /** Stops accepting at once; resolves when the open connections (which aedes closes) are gone too. */
  close(): Promise<void>;
}

export const WEBSOCKET_PATH = '/mqtt';

/** TCP, TLS (when configured) and WebSocket on /mqtt, sharing one limit on open connections. */
export async function startListeners(options: ListenerOptions): Promise<Listeners> {
  let open = 0;
  const admit = (listener: ListenerName, socket: Socket): boolean => {
    if (open >= options.maxConnections) {
      options.onRefused('max-connections');
      socket.destroy();
      return false;
    }
    open++;
    options.onConnection(listener, open);
    socket.once('close', () => {
      open--;
      options.onConnection(listener, open);
    });
    return true;
  };

  const servers: Array<Server | HttpServer> = [];
  const ports: Listeners['ports'] = {};

  const tcp = createTcpServer((socket) => {
    if (admit('tcp', socket)) options.handle(socket);
  });
  ports.tcp = await listen(tcp, options.host, options.tcpPort);
  servers.push(tcp);

  if (options.tls) {
    // Client certificates are asked for but not required: a gateway may log in with a password instead.
    const tls = createTlsServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: options.tls.ca !== undefined, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (socket) => {
      if (admit('tls', socket)) options.handle(socket);
    });
    ports.tls = await listen(tls, options.host, options.tlsPort);
    servers.push(tls);
  }

  const http = createHttpServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end(`MQTT over WebSocket only, on ${WEBSOCKET_PATH}\n`);
  });
  // One WebSocket message carries one MQTT packet or less from browser clients; larger is refused by ws.
  const wss = new WebSocketServer({ server: http, path: WEBSOCKET_PATH, maxPayload: options.maxPacketBytes + 8, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  wss.on('connection', (websocket, request) => {
    if (!admit('ws', request.socket)) return;
    const stream = createWebSocketStream(websocket);
    stream.on('error', () => websocket.terminate());
    options.handle(stream, request);
  });
  ports.ws = await listen(http, options.host, options.wsPort);
  servers.push(http);

  return {
    ports,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      wss.close();
    },
  };
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
