import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

/** How the gateway reaches a broker: the project's broker for events, or a local one for sensors. */
export interface MqttConnection {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly rejectUnauthorized: boolean;
  readonly reconnectMs: number;
}

/**
 * What every MQTT connection of the gateway shares: MQTT 3.1.1 (aedes speaks no MQTT 5), a clean
 * session, and reconnecting for ever. mqtt.js stops for good after a refused CONNACK, but an
 * unattended gateway must keep trying: "server unavailable" is a broker starting or its identity
 * store blinking, and even a refusal of credentials may end when an operator fixes them server-side.
 */
export function mqttConnectOptions(connection: MqttConnection, clientId: string): IClientOptions {
  return {
    clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: connection.reconnectMs,
    reconnectOnConnackError: true,
    connectTimeout: 10_000,
    keepalive: 30,
    ...(connection.username !== undefined ? { username: connection.username } : {}),
    ...(connection.password !== undefined ? { password: connection.password } : {}),
    ...(connection.caFile ? { ca: readFileSync(connection.caFile) } : {}),
    ...(connection.certFile ? { cert: readFileSync(connection.certFile) } : {}),
    ...(connection.keyFile ? { key: readFileSync(connection.keyFile) } : {}),
    rejectUnauthorized: connection.rejectUnauthorized,
  };
}
