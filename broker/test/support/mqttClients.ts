import mqtt, { type MqttClient } from 'mqtt';

export async function connectGateway(port: number, gateway: { id: string; password: string }, extra: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: gateway.id, username: gateway.id, password: gateway.password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...extra });
}

/** The CONNACK return code a refused CONNECT got (mqtt.js rejects with it as `code`). */
export async function refusalCode(url: string, options: mqtt.IClientOptions): Promise<number | undefined> {
  try {
    const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    await client.endAsync();
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

/** Resolves when the broker closes the connection; rejects if it is still open after the timeout. */
export function closedWithin(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The SUBACK return codes; mqtt.js rejects a SUBACK holding any 0x80, yet the packet says which. */
export async function grantedQos(client: MqttClient, filters: string[], qos: 0 | 1): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos })).map((grant) => grant.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}
