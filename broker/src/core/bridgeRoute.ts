import {
  anomalyEventCodec,
  dlqRecordFor,
  GATEWAY_STATUS_RECORD_SCHEMA,
  gatewayStatusCodec,
  geoCellKey,
  KAFKA_TOPICS,
  parseMqttTopic,
  sensorTelemetryCodec,
  type ContractValidationError,
  type DlqRecord,
  type FieldError,
  type GatewayStatusRecord,
} from '@gridsight/contracts';

/** A record for Kafka: the value is bytes ready to send. */
export interface KafkaRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export type BridgeRoute =
  /** Valid: this record goes to Kafka before the PUBACK. */
  | { action: 'forward'; record: KafkaRecord }
  /** Invalid: the DLQ record goes to Kafka before the PUBACK; the message is not retained. */
  | { action: 'dead-letter'; record: KafkaRecord; reason: string }
  /** Not bridged (ticket notifications, commands): only MQTT subscribers get it. */
  | { action: 'none' };

export interface PublishedMessage {
  topic: string;
  payload: Buffer;
  clientId: string;
  receivedAt: Date;
}

export const BRIDGE_ERROR_CODES = {
  BRIDGE_GATEWAY_MISMATCH: 'the payload names another gateway than the topic it was published on',
} as const;

/** Decides what a gateway's publish becomes in Kafka. Pure: no I/O, the clock comes in. */
export function routePublish(message: PublishedMessage): BridgeRoute {
  const parsed = parseMqttTopic(message.topic);
  if (!parsed) return { action: 'none' };
  const headers = { 'mqtt-topic': message.topic, 'mqtt-client-id': message.clientId, 'received-at': message.receivedAt.toISOString() };
  switch (parsed.channel) {
    case 'gateway-events': {
      const result = anomalyEventCodec.decode(message.payload);
      if (!result.ok) return deadLetter(message, result.error);
      if (result.value.source.gatewayId !== parsed.gatewayId) {
        return deadLetter(message, mismatch('AnomalyEvent', 'source.gatewayId', result.value.source.gatewayId, parsed.gatewayId));
      }
      return { action: 'forward', record: { topic: KAFKA_TOPICS.anomalyEvents, key: geoCellKey(result.value.location), value: message.payload, headers } };
    }
    case 'gateway-telemetry': {
      const result = sensorTelemetryCodec.decode(message.payload);
      if (!result.ok) return deadLetter(message, result.error);
      if (result.value.gatewayId !== parsed.gatewayId) {
        return deadLetter(message, mismatch('SensorTelemetry', 'gatewayId', result.value.gatewayId, parsed.gatewayId));
      }
      const key = `${result.value.gatewayId}/${result.value.deviceId}`;
      return { action: 'forward', record: { topic: KAFKA_TOPICS.sensorTelemetry, key, value: message.payload, headers } };
    }
    case 'gateway-status': {
      const result = gatewayStatusCodec.decode(message.payload);
      if (!result.ok) return deadLetter(message, result.error);
      if (result.value.gatewayId !== parsed.gatewayId) {
        return deadLetter(message, mismatch('GatewayStatus', 'gatewayId', result.value.gatewayId, parsed.gatewayId));
      }
      const record: GatewayStatusRecord = { schema: GATEWAY_STATUS_RECORD_SCHEMA, receivedAt: message.receivedAt.toISOString(), status: result.value };
      return { action: 'forward', record: { topic: KAFKA_TOPICS.gatewayStatus, key: parsed.gatewayId, value: Buffer.from(JSON.stringify(record)), headers } };
    }
    case 'gateway-commands':
    case 'worker-tickets':
      return { action: 'none' };
  }
}

/** A reason shaped like the contract's own, so DLQ readers handle one kind of error. */
type RefusalReason = Pick<ContractValidationError, 'message' | 'errors'> & { code: string };

function mismatch(messageType: string, field: string, named: string, topicId: string): RefusalReason {
  const errors: FieldError[] = [{ field, reason: `is ${JSON.stringify(named)} but the message was published on the topic of gateway ${JSON.stringify(topicId)}` }];
  return { code: 'BRIDGE_GATEWAY_MISMATCH' satisfies keyof typeof BRIDGE_ERROR_CODES, message: `${messageType}: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`, errors };
}

function deadLetter(message: PublishedMessage, error: RefusalReason): BridgeRoute {
  const dlq: DlqRecord = dlqRecordFor(message.payload, error, { component: 'broker', channel: message.topic, clientId: message.clientId }, message.receivedAt);
  return {
    action: 'dead-letter',
    reason: error.message,
    record: {
      topic: KAFKA_TOPICS.anomalyEventsDlq,
      key: message.topic,
      value: Buffer.from(JSON.stringify(dlq)),
      headers: { 'mqtt-topic': message.topic, 'mqtt-client-id': message.clientId, 'error-code': error.code },
    },
  };
}
