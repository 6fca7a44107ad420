import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { dlqRecordFor, incidentEventCodec, type DlqRecord, type IncidentEvent } from '@gridsight/contracts';
import { DatabaseError, type Logger } from '@gridsight/service-kit';
import type { Counter } from 'prom-client';
import { nextStepAfterFailure, type FailureKind, type RetryPolicy } from '../../core/poisonPolicy.js';
import { DispatchError } from '../../errors.js';
import type { IncidentOutcome } from '../../workflows/handleIncidentEvent.js';

export interface IncidentConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  handle: (event: IncidentEvent) => Promise<IncidentOutcome>;
  /** Of a fetched batch's events, those that need no work (read at once); they are counted as unchanged without `handle`. */
  needingNoWork: (events: readonly IncidentEvent[]) => Promise<ReadonlySet<IncidentEvent>>;
  /** Where a malformed message, or one that can never be applied, goes with its reason before its offset is committed. */
  deadLetter: (record: DlqRecord, key: string) => Promise<void>;
  /** Whether the database answers: a failure while it does not is an outage, retried without limit. */
  databaseReachable: () => Promise<boolean>;
  retry: RetryPolicy;
  counters: { processed: Counter<'outcome'>; invalid: Counter; deadLettered: Counter<'reason'> };
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
 * transaction committed (each offset is resolved once its message is done), so a crash re-delivers
 * and the ticket store turns the re-delivery into a no-op. A malformed message is logged with
 * every bad field and sent to the dead-letter topic with its reason: it would fail the same way forever.
 * A valid event that cannot be applied is retried with backoff per core/poisonPolicy.ts, then
 * dead-lettered too, so one poison record never holds up the events behind it on its partition.
 */
export function createIncidentConsumer(options: IncidentConsumerOptions): IncidentConsumer {
  const { kafka, topic, logger, counters } = options;
  let consumer: Consumer | undefined;
  let connected = false;
  let stopping = false;

  // Sleeps in slices, heartbeating, so a long backoff neither loses the group nor delays a stop.
  const pause = async (ms: number, heartbeat: () => Promise<void>) => {
    const until = Date.now() + ms;
    while (!stopping && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, until - Date.now())));
      await heartbeat();
    }
  };

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
      // One message of a partition, after the batch's events needing no work were set aside: a
      // malformed one is dead-lettered, a valid one is handled with retries per the poison policy.
      const handleMessage = async (message: KafkaMessage, partition: number, decoded: ReturnType<typeof incidentEventCodec.decode>, heartbeat: () => Promise<void>) => {
        if (!decoded.ok) {
          counters.invalid.inc();
          logger.error({ topic, partition, offset: message.offset, code: decoded.error.code, errors: decoded.error.errors }, `skipping a malformed incident event: ${decoded.error.message}`);
          const origin = { component: 'dispatch-service', channel: topic, partition, offset: message.offset };
          await options.deadLetter(dlqRecordFor(message.value ?? Buffer.alloc(0), decoded.error, origin, new Date()), `${topic}/${partition}`);
          return;
        }
        const incidentId = decoded.value.incident.incidentId;
        const failures: Record<FailureKind, number> = { outage: 0, record: 0 };
        for (;;) {
          try {
            const outcome = await options.handle(decoded.value);
            counters.processed.inc({ outcome: outcome.kind });
            logger.debug({ incidentId, change: decoded.value.change, outcome }, 'incident event handled');
            return;
          } catch (error) {
            // Thrown out of the batch, the offset stays uncommitted and the next owner of the partition re-reads it.
            if (stopping) throw error;
            const outage = (error instanceof DatabaseError && error.code === 'DB_UNAVAILABLE') || !(await options.databaseReachable().catch(() => false));
            const kind: FailureKind = outage ? 'outage' : 'record';
            failures[kind] += 1;
            const step = nextStepAfterFailure(options.retry, kind, failures[kind]);
            const code = failureCode(error);
            if (step.action === 'dead-letter') {
              logger.error({ err: error, topic, partition, offset: message.offset, incidentId, attempts: failures.record, code }, 'incident event cannot be applied; sending it to the dead-letter topic');
              const origin = { component: 'dispatch-service', channel: topic, partition, offset: message.offset };
              const reason = { code, message: `incident ${incidentId} (${decoded.value.change}) failed ${failures.record} times: ${(error as Error).message}`, errors: [] };
              await options.deadLetter(dlqRecordFor(message.value ?? Buffer.alloc(0), reason, origin, new Date()), `${topic}/${partition}`);
              counters.deadLettered.inc({ reason: code });
              return;
            }
            logger.warn({ err: error, partition, offset: message.offset, incidentId, kind, failures: failures[kind], retryInMs: step.delayMs, code }, 'incident event failed; retrying');
            await pause(step.delayMs, heartbeat);
          }
        }
      };
      await consumer.run({
        autoCommit: true,
        // An offset is resolved only once its message is done, so a stop mid-batch re-reads the rest.
        eachBatchAutoResolve: false,
        // Partitions are independent (key = incidentId, one ticket per incident), and the work is
        // mostly waiting on the database: handle them side by side.
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const decoded = batch.messages.map((message) => ({ message, decoded: incidentEventCodec.decode(message.value ?? Buffer.alloc(0)) }));
          // A failed read leaves every event to `handle`, which meets the outage with its retries.
          const noWork = await options.needingNoWork(decoded.flatMap(({ decoded: d }) => (d.ok ? [d.value] : []))).catch(() => new Set<IncidentEvent>());
          for (const { message, decoded: d } of decoded) {
            if (!isRunning() || isStale()) return;
            if (d.ok && noWork.has(d.value)) counters.processed.inc({ outcome: 'unchanged' });
            else await handleMessage(message, batch.partition, d, heartbeat);
            resolveOffset(message.offset);
            await heartbeat();
          }
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer?.disconnect();
      connected = false;
    },
  };
}

function failureCode(error: unknown): string {
  if (error instanceof DispatchError || error instanceof DatabaseError) return error.code;
  const sqlState = (error as { code?: unknown }).code;
  return typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState) ? `PG_${sqlState}` : 'DSP_INCIDENT_NOT_APPLIED';
}
