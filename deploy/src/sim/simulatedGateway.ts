import { setTimeout as sleep } from 'node:timers/promises';
import { anomalyEventCodec, gatewayStatusCodec, mqttTopics, type AnomalyEvent } from '@gridsight/contracts';
import mqtt, { type MqttClient } from 'mqtt';

const CLOSE_GRACE_MS = 5_000;

export interface GatewayCredentials {
  gatewayId: string;
  password: string;
}

export interface SimulatedGateway {
  /** Publishes with QoS 1; resolves on PUBACK, i.e. once the event is in Kafka. */
  publish(event: AnomalyEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * A gateway as the broker sees one: its own identity, a retained online status, a Last Will
 * that marks it offline, and QoS 1 events. Drives demos, end-to-end tests and load.
 */
export async function connectSimulatedGateway(
  brokerUrl: string,
  credentials: GatewayCredentials,
  /** Errors after the first connection (a refused reconnect, a lost socket); it keeps reconnecting. */
  onError: (error: Error) => void = (error) => process.emitWarning(`simulated gateway ${credentials.gatewayId}: ${error.message}`),
): Promise<SimulatedGateway> {
  const { gatewayId, password } = credentials;
  const status = (state: 'online' | 'offline') =>
    gatewayStatusCodec.encode({ schema: 'gateway-status/v1', gatewayId, state, at: new Date().toISOString(), agentVersion: 'simulated' });
  const client: MqttClient = await mqtt.connectAsync(brokerUrl, {
    clientId: gatewayId,
    username: gatewayId,
    password,
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 1000,
    // mqtt.js stops for good after a refused CONNACK; "server unavailable" (the broker cannot
    // reach its identity store for a moment) must be retried like a lost connection.
    reconnectOnConnackError: true,
    will: { topic: mqttTopics.gatewayStatus(gatewayId), payload: status('offline'), qos: 1, retain: true },
  });
  client.on('error', onError);
  await client.publishAsync(mqttTopics.gatewayStatus(gatewayId), status('online'), { qos: 1, retain: true });
  return {
    publish: async (event) => {
      await client.publishAsync(mqttTopics.gatewayEvents(gatewayId), anomalyEventCodec.encode(event), { qos: 1 });
    },
    close: async () => {
      // Said politely when the broker is there to hear it; closing never waits on a broker that is gone.
      if (client.connected) {
        const offline = client.publishAsync(mqttTopics.gatewayStatus(gatewayId), status('offline'), { qos: 1, retain: true });
        await Promise.race([offline, sleep(CLOSE_GRACE_MS)]).catch(onError);
      }
      await client.endAsync(true);
    },
  };
}
