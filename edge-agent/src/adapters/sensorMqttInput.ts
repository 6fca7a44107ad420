import mqtt, { type IClientOptions } from 'mqtt';
import { mapSensorPayload, type SensorPayloadMapping, type SensorPayloadRejection } from '../core/sensorPayload.js';
import { topicMatches } from '../core/topicFilter.js';
import { mqttConnectOptions, type MqttConnection } from './mqttConnectOptions.js';
import type { SensorChannel } from './sensorChannel.js';

export interface SensorMqttInputOptions extends MqttConnection {
  readonly clientId: string;
  readonly qos: 0 | 1 | 2;
  readonly sensors: ReadonlyArray<{ readonly id: string; readonly topic: string; readonly mapping: SensorPayloadMapping; readonly channel: SensorChannel }>;
}

export interface SensorMqttHooks {
  /** A message on a sensor's topic that could not be used; the input goes on with the next. */
  onRejected?: (sensorId: string, topic: string, reason: SensorPayloadRejection, detail: string) => void;
  onConnectionChange?: (connected: boolean, error?: Error) => void;
  /** The broker refused a subscription (SUBACK 0x80), e.g. by its ACL. */
  onSubscribeRefused?: (topic: string) => void;
}

export interface SensorMqttInput {
  readonly connected: () => boolean;
  close(): Promise<void>;
}

/**
 * Subscribes to the sensors' topics on the gateway's local broker and hands each message, mapped
 * to readings, to the sensor's channel (telemetry and threshold-and-hold rules). A message may
 * match several sensors' filters; each gets it.
 */
export function startSensorMqttInput(options: SensorMqttInputOptions, hooks: SensorMqttHooks = {}): SensorMqttInput {
  // A clean session also because readings queued while the agent was away would arrive with the wrong time.
  const clientOptions: IClientOptions = {
    ...mqttConnectOptions(options, options.clientId),
    // Subscribed in the connect handler instead, where a refused subscription is seen each time.
    resubscribe: false,
  };
  const client = mqtt.connect(options.url, clientOptions);
  const subscriptions = Object.fromEntries(options.sensors.map((sensor) => [sensor.topic, { qos: options.qos }]));

  client.on('connect', () => {
    hooks.onConnectionChange?.(true);
    // A clean session forgets subscriptions, so they are made again on every connection.
    client.subscribe(subscriptions, (error, granted) => {
      if (error) return hooks.onConnectionChange?.(client.connected, error);
      for (const grant of granted ?? []) if (grant.qos === 128) hooks.onSubscribeRefused?.(grant.topic);
    });
  });
  client.on('close', () => hooks.onConnectionChange?.(false));
  client.on('error', (error) => hooks.onConnectionChange?.(client.connected, error));
  client.on('message', (topic, payload) => {
    for (const sensor of options.sensors) {
      if (!topicMatches(sensor.topic, topic)) continue;
      const mapped = mapSensorPayload(sensor.mapping, topic, payload);
      if (!mapped.ok) {
        hooks.onRejected?.(sensor.id, topic, mapped.reason, mapped.detail);
        continue;
      }
      try {
        sensor.channel.ingest(mapped.readings, mapped.observedAt ?? new Date());
      } catch (error) {
        hooks.onRejected?.(sensor.id, topic, 'invalid_reading', (error as Error).message.slice(0, 300));
      }
    }
  });

  return {
    connected: () => client.connected,
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
