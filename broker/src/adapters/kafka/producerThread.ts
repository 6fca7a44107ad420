// The Kafka producers run here, on their own thread: kafkajs spends tens of microseconds of CPU
// encoding each record, which would otherwise sit on the thread that runs aedes.
import { parentPort, workerData } from 'node:worker_threads';
import { CompressionTypes, Kafka, logLevel, type Producer, type TopicMessages } from 'kafkajs';
import type { FromProducerThread, ProducerThreadOptions, SendRequest, ToProducerThread } from './producerThreadProtocol.js';

const port = parentPort;
if (!port) throw new Error('producerThread runs as a worker thread only');
const options = workerData as ProducerThreadOptions;
const reply = (message: FromProducerThread): void => port.postMessage(message);

const kafka = new Kafka({
  clientId: options.clientId,
  brokers: options.brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  // The bridge retries with backoff until each record's deadline; kafkajs retries only briefly.
  retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
});
const producers: Producer[] = Array.from({ length: options.producers }, () =>
  kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
);

function topicMessages(request: SendRequest): TopicMessages[] {
  const values = Buffer.from(request.values);
  const byTopic = new Map<string, TopicMessages>();
  // Header values repeat within a batch (a client's topic and id, a receive time to the millisecond):
  // kafkajs takes Buffers as they are, where it would measure and convert each string on its own.
  const headerBytes = new Map<string, Buffer>();
  const bytesOf = (text: string): Buffer => {
    let bytes = headerBytes.get(text);
    if (!bytes) headerBytes.set(text, (bytes = Buffer.from(text)));
    return bytes;
  };
  let start = 0;
  for (let i = 0; i < request.keys.length; i++) {
    const name = request.topics[i] as string;
    let topic = byTopic.get(name);
    if (!topic) byTopic.set(name, (topic = { topic: name, messages: [] }));
    const end = request.ends[i] as number;
    const headers: Record<string, Buffer> = {};
    for (const [header, text] of Object.entries(request.headers[i] as Record<string, string>)) headers[header] = bytesOf(text);
    topic.messages.push({ key: request.keys[i] as string, value: values.subarray(start, end), headers });
    start = end;
  }
  return [...byTopic.values()];
}

port.on('message', (message: ToProducerThread) => {
  if (message.type === 'close') {
    void Promise.allSettled(producers.map((producer) => producer.disconnect())).then(() => {
      reply({ type: 'closed' });
      port.close();
    });
    return;
  }
  const producer = producers[message.lane] as Producer;
  producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: topicMessages(message) }).then(
    () => reply({ type: 'sent', id: message.id }),
    (error: unknown) => reply({ type: 'failed', id: message.id, message: (error as Error).message ?? String(error) }),
  );
});

Promise.all(producers.map((producer) => producer.connect())).then(
  () => reply({ type: 'ready' }),
  (error: unknown) => reply({ type: 'start-failed', message: (error as Error).message ?? String(error) }),
);
