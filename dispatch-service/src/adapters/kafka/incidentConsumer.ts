import type { Consumer, Kafka } from 'kafkajs';
import { dlqRecordFor, incidentEventCodec, type DlqRecord, type IncidentEvent } from '@gridsight/contracts';
import type { Logger } from '@gridsight/service-kit';
import type { Counter } from 'prom-client';
import type { IncidentOutcome } from '../../workflows/handleIncidentEvent.js';

export interface IncidentConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  handle: (event: IncidentEvent) => Promise<IncidentOutcome>;
  /** Where a malformed message goes, with its reason, before its offset is committed. */
  deadLetter: (record: DlqRecord, key: string) => Promise<void>;
  counters: { processed: Counter<'outcome'>; invalid: Counter };
  /** Read the topic from its start when the group has no committed offset (tests; a new deployment catching up). */
  fromBeginning?: boolean;
}

export interface IncidentConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly connected: () => boolean;
}

/**
 * Consumes `incidents` in a consumer group. An offset is committed only after the message's
 * transaction committed (kafkajs resolves it when eachMessage returns), so a crash re-delivers
 * and the ticket store turns the re-delivery into a no-op. A malformed message is logged with
 * every bad field and sent to the dead-letter topic with its reason: it would fail the same way forever.
 */
export function createIncidentConsumer(options: IncidentConsumerOptions): IncidentConsumer {
  const { kafka, topic, logger, counters } = options;
  let consumer: Consumer | undefined;
  let connected = false;

  return {
    connected: () => connected,
    async start() {
      consumer = kafka.consumer({ groupId: options.groupId, sessionTimeout: 15_000, heartbeatInterval: 1_000, retry: { retries: 8, initialRetryTime: 300 } });
      consumer.on(consumer.events.CONNECT, () => (connected = true));
      consumer.on(consumer.events.DISCONNECT, () => (connected = false));
      consumer.on(consumer.events.CRASH, (event) => logger.error({ err: event.payload.error, restart: event.payload.restart }, 'incident consumer crashed'));
      await consumer.connect();
      connected = true;
      await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: true,
        // Partitions are independent (key = incidentId, one ticket per incident), and the work is
        // mostly waiting on the database: handle them side by side.
        partitionsConsumedConcurrently: 3,
        eachMessage: async ({ message, partition }) => {
          const decoded = incidentEventCodec.decode(message.value ?? Buffer.alloc(0));
          if (!decoded.ok) {
            counters.invalid.inc();
            logger.error({ topic, partition, offset: message.offset, code: decoded.error.code, errors: decoded.error.errors }, `skipping a malformed incident event: ${decoded.error.message}`);
            const origin = { component: 'dispatch-service', channel: topic, partition, offset: message.offset };
            await options.deadLetter(dlqRecordFor(message.value ?? Buffer.alloc(0), decoded.error, origin, new Date()), `${topic}/${partition}`);
            return;
          }
          const outcome = await options.handle(decoded.value);
          counters.processed.inc({ outcome: outcome.kind });
          logger.debug({ incidentId: decoded.value.incident.incidentId, change: decoded.value.change, outcome }, 'incident event handled');
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      connected = false;
    },
  };
}
