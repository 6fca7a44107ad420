import { Worker } from 'node:worker_threads';
import type { KafkaRecord } from '../../core/bridgeRoute.js';
import type { FromProducerThread, ProducerThreadOptions, SendRequest, ToProducerThread } from './producerThreadProtocol.js';

/** Idempotent Kafka producers on a thread of their own, each with at most one batch in flight. */
export interface ProducerPool {
  /** Resolves once Kafka (acks=all) has every record of the batch; rejects otherwise. */
  send(lane: number, records: readonly KafkaRecord[]): Promise<void>;
  close(): Promise<void>;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const THREAD_URL = new URL(FROM_SOURCE ? './producerThread.ts' : './producerThread.js', import.meta.url);

// The tests run the TypeScript sources through tsx, whose loader a Node 20 worker thread does not
// inherit (not even with --import in its execArgv), so the thread registers it before loading.
const startThread = (options: ProducerThreadOptions): Worker =>
  FROM_SOURCE
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(THREAD_URL.href)}); })`, { eval: true, workerData: options })
    : new Worker(THREAD_URL, { workerData: options });

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Starts the producer thread and waits until every producer is connected (so a broker does not
 * start without Kafka). A thread that dies fails the batches it held; the next send starts a new one.
 */
export async function startProducerPool(options: ProducerThreadOptions): Promise<ProducerPool> {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closing = false;

  const failAll = (error: Error): void => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  const spawn = (): Promise<Worker> =>
    new Promise<Worker>((resolve, reject) => {
      const worker = startThread(options);
      let ready = false;
      worker.on('message', (message: FromProducerThread) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve(worker);
            break;
          case 'start-failed':
            reject(new Error(message.message));
            void worker.terminate();
            break;
          case 'sent':
            pending.get(message.id)?.resolve();
            pending.delete(message.id);
            break;
          case 'failed':
            pending.get(message.id)?.reject(new Error(message.message));
            pending.delete(message.id);
            break;
          case 'closed':
            break;
        }
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        failAll(new Error(`the Kafka producer thread failed: ${error.message}`));
      });
      worker.on('exit', (code) => {
        if (!ready) reject(new Error(`the Kafka producer thread exited with ${code} before connecting`));
        failAll(new Error(`the Kafka producer thread exited with ${code}`));
        if (live === worker) {
          live = undefined;
          current = undefined;
        }
      });
      live = worker;
    });

  let live: Worker | undefined;
  let current: Promise<Worker> | undefined = spawn();
  await current;

  const post = (worker: Worker, message: ToProducerThread, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);

  return {
    send: async (lane, records) => {
      if (closing) throw new Error('the Kafka producers are closing');
      const worker = await (current ??= spawn());
      let total = 0;
      for (const record of records) total += record.value.byteLength;
      // A buffer of its own (not a slice of Node's pool), so that it can be transferred, not copied.
      const values = Buffer.allocUnsafeSlow(total);
      const request: SendRequest = { type: 'send', id: nextId++, lane, topics: [], keys: [], headers: [], ends: [], values: values.buffer as ArrayBuffer };
      let offset = 0;
      for (const record of records) {
        offset += record.value.copy(values, offset);
        request.topics.push(record.topic);
        request.keys.push(record.key);
        request.headers.push(record.headers);
        request.ends.push(offset);
      }
      return new Promise<void>((resolve, reject) => {
        pending.set(request.id, { resolve, reject });
        post(worker, request, [request.values]);
      });
    },
    close: async () => {
      closing = true;
      const worker = await current?.catch(() => undefined);
      if (!worker) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      post(worker, { type: 'close' });
      await exited;
    },
  };
}
