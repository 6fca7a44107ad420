import { gatewayStatusCodec, mqttTopics, type GatewayStatus } from '@gridsight/contracts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { EventStore } from './eventStore.js';
import { mqttConnectOptions, type MqttConnection } from './mqttConnectOptions.js';

export interface MqttLinkOptions extends MqttConnection {
  readonly gatewayId: string;
  /** Replay and live publishing share this ceiling, so a backlog never floods the broker (its per-client rate limit). */
  readonly maxPublishPerSecond: number;
  /**
   * Unacknowledged events on the wire at once. 1 keeps the order of first arrival equal to the
   * order of observation even across a broken connection; more trades that for throughput.
   */
  readonly maxInFlight: number;
}

export interface MqttLinkHooks {
  onPublished?: (seq: number) => void;
  onConnectionChange?: (connected: boolean, error?: Error) => void;
}

export interface MqttLink {
  readonly connected: () => boolean;
  /** Wakes the forwarder after an append to the store. */
  notify(): void;
  publishStatus(status: GatewayStatus): Promise<void>;
  /** Best effort, QoS 1 while connected; telemetry is not buffered (the next reading supersedes it). */
  publishTelemetry(payload: Buffer): boolean;
  /** Publishes `offline` retained, then disconnects. */
  close(offline: GatewayStatus): Promise<void>;
}

/**
 * The one MQTT connection of the gateway. Events go from the store to the broker oldest first
 * and leave the store only on PUBACK; the Last Will marks the gateway offline if the connection dies.
 */
export function createMqttLink(options: MqttLinkOptions, store: EventStore, will: GatewayStatus, hooks: MqttLinkHooks = {}): MqttLink {
  // A clean session is enough: the store is the session, and everything unacknowledged is re-sent from it after a reconnect.
  const clientOptions: IClientOptions = {
    ...mqttConnectOptions(options, options.gatewayId),
    will: { topic: mqttTopics.gatewayStatus(options.gatewayId), payload: gatewayStatusCodec.encode(will), qos: 1, retain: true },
  };
  const client: MqttClient = mqtt.connect(options.url, clientOptions);
  const eventsTopicOk = (topic: string): boolean => topic === mqttTopics.gatewayEvents(options.gatewayId);
  const inFlight = new Set<number>();
  let lastSentSeq = 0;
  let lastPublishAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let pumping = false;

  const schedule = (delayMs: number): void => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, delayMs);
  };

  const pump = (): void => {
    if (pumping || closed || !client.connected) return;
    pumping = true;
    try {
      while (inFlight.size < options.maxInFlight) {
        const wait = lastPublishAt + 1000 / options.maxPublishPerSecond - Date.now();
        if (wait > 0) {
          schedule(wait);
          return;
        }
        const [message] = store.read(lastSentSeq, 1);
        if (!message) return;
        lastSentSeq = message.seq;
        if (!eventsTopicOk(message.topic)) {
          // Written by an agent with another gateway id: not ours to publish under this identity.
          store.remove(message.seq);
          continue;
        }
        lastPublishAt = Date.now();
        inFlight.add(message.seq);
        client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
          inFlight.delete(message.seq);
          if (!error) {
            store.remove(message.seq);
            hooks.onPublished?.(message.seq);
          }
          pump();
        });
      }
    } finally {
      pumping = false;
    }
  };

  client.on('connect', () => {
    // Resend everything unacknowledged, oldest first; a message PUBACKed late is removed then.
    inFlight.clear();
    lastSentSeq = 0;
    hooks.onConnectionChange?.(true);
    pump();
  });
  client.on('close', () => {
    inFlight.clear();
    hooks.onConnectionChange?.(false);
  });
  client.on('error', (error) => hooks.onConnectionChange?.(false, error));

  const publishRetained = (status: GatewayStatus): Promise<void> =>
    new Promise((resolve, reject) => {
      client.publish(mqttTopics.gatewayStatus(options.gatewayId), gatewayStatusCodec.encode(status), { qos: 1, retain: true }, (error) => (error ? reject(error) : resolve()));
    });

  return {
    connected: () => client.connected,
    notify: () => pump(),
    publishStatus: (status) => (client.connected ? publishRetained(status) : Promise.resolve()),
    publishTelemetry(payload) {
      if (!client.connected) return false;
      client.publish(mqttTopics.gatewayTelemetry(options.gatewayId), payload, { qos: 1 });
      return true;
    },
    async close(offline) {
      closed = true;
      if (timer) clearTimeout(timer);
      if (client.connected) {
        await Promise.race([publishRetained(offline).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
      }
      await client.endAsync();
    },
  };
}
