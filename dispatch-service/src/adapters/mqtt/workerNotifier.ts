import type { Consumer, Kafka } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import { mqttTopics, ticketEventCodec } from '@gridsight/contracts';
import type { Logger } from '@gridsight/service-kit';

export interface WorkerNotifierOptions {
  kafka: Kafka;
  /** One group for all instances: each ticket event is pushed by one of them. */
  groupId: string;
  ticketEventsTopic: string;
  mqttUrl: string;
  /** The broker's service account: CONNECT username `service:<id>`, client id `service/<id>/<instance>`. */
  accountId: string;
  secret: string;
  instance: string;
  logger: Logger;
}

export interface WorkerNotifier {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Pushes each ticket transition to its worker's MQTT topic `v1/workers/{workerId}/tickets` (QoS 1)
 * for apps that listen over MQTT-over-WebSocket rather than SSE. It reads `ticket-events` (the
 * outbox's announcements) in a consumer group and commits only after the broker's PUBACK, so a
 * crash re-sends rather than drops; apps de-duplicate on the event id.
 */
export function createWorkerNotifier(options: WorkerNotifierOptions): WorkerNotifier {
  const { logger } = options;
  let client: MqttClient | undefined;
  let consumer: Consumer | undefined;

  return {
    async start() {
      client = await mqtt.connectAsync(options.mqttUrl, {
        protocolVersion: 4,
        username: `service:${options.accountId}`,
        password: options.secret,
        clientId: `service/${options.accountId}/${options.instance}`,
        clean: true,
        reconnectPeriod: 2_000,
      });
      client.on('error', (error) => logger.warn({ err: error }, 'MQTT connection to the broker failed'));
      consumer = options.kafka.consumer({ groupId: options.groupId });
      await consumer.connect();
      await consumer.subscribe({ topic: options.ticketEventsTopic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const decoded = ticketEventCodec.decode(message.value ?? Buffer.alloc(0));
          if (!decoded.ok) {
            logger.warn({ errors: decoded.error.errors }, `not pushing an invalid ticket event: ${decoded.error.message}`);
            return;
          }
          const assignee = decoded.value.ticket.assigneeId;
          if (!assignee) return;
          await client!.publishAsync(mqttTopics.workerTickets(assignee), JSON.stringify(decoded.value), { qos: 1 });
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      await client?.endAsync();
    },
  };
}
