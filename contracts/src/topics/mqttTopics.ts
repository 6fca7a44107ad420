import { IDENTIFIER_PATTERN } from '../schemas/common.js';

const identifier = new RegExp(IDENTIFIER_PATTERN);

export const MQTT_TOPIC_ROOT = 'v1';

/** Topic builders; ids are checked so that a bad id can never widen a topic with `+`, `#` or `/`. */
export const mqttTopics = {
  gatewayEvents: (gatewayId: string) => `${MQTT_TOPIC_ROOT}/gateways/${checkId('gatewayId', gatewayId)}/events`,
  gatewayTelemetry: (gatewayId: string) => `${MQTT_TOPIC_ROOT}/gateways/${checkId('gatewayId', gatewayId)}/telemetry`,
  gatewayStatus: (gatewayId: string) => `${MQTT_TOPIC_ROOT}/gateways/${checkId('gatewayId', gatewayId)}/status`,
  gatewayCommands: (gatewayId: string) => `${MQTT_TOPIC_ROOT}/gateways/${checkId('gatewayId', gatewayId)}/commands`,
  workerTickets: (workerId: string) => `${MQTT_TOPIC_ROOT}/workers/${checkId('workerId', workerId)}/tickets`,
} as const;

export type MqttTopic =
  | { channel: 'gateway-events'; gatewayId: string }
  | { channel: 'gateway-telemetry'; gatewayId: string }
  | { channel: 'gateway-status'; gatewayId: string }
  | { channel: 'gateway-commands'; gatewayId: string }
  | { channel: 'worker-tickets'; workerId: string };

const GATEWAY_CHANNELS = {
  events: 'gateway-events',
  telemetry: 'gateway-telemetry',
  status: 'gateway-status',
  commands: 'gateway-commands',
} as const;

/** Parses a concrete topic name (no wildcards); `undefined` for anything outside the v1 contract. */
export function parseMqttTopic(topic: string): MqttTopic | undefined {
  const levels = topic.split('/');
  if (levels.length !== 4 || levels[0] !== MQTT_TOPIC_ROOT) return undefined;
  const [, area, id, leaf] = levels as [string, string, string, string];
  if (!identifier.test(id)) return undefined;
  if (area === 'gateways' && Object.hasOwn(GATEWAY_CHANNELS, leaf)) {
    return { channel: GATEWAY_CHANNELS[leaf as keyof typeof GATEWAY_CHANNELS], gatewayId: id };
  }
  if (area === 'workers' && leaf === 'tickets') return { channel: 'worker-tickets', workerId: id };
  return undefined;
}

export function isValidIdentifier(id: string): boolean {
  return identifier.test(id);
}

function checkId(name: string, value: string): string {
  if (!identifier.test(value)) {
    throw new RangeError(`${name} ${JSON.stringify(value.slice(0, 80))} is not a valid identifier (${IDENTIFIER_PATTERN})`);
  }
  return value;
}
