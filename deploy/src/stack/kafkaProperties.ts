import { randomBytes } from 'node:crypto';
import { LOOPBACK } from './ports.js';

export interface KafkaListeners {
  port: number;
  controllerPort: number;
}

/** A single KRaft node that is both broker and controller, reachable from this machine only. */
export function kafkaServerProperties(listeners: KafkaListeners, logDir: string): string {
  const { port, controllerPort } = listeners;
  const settings: Array<[string, string | number | boolean]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@${LOOPBACK}:${controllerPort}`],
    ['listeners', `PLAINTEXT://${LOOPBACK}:${port},CONTROLLER://${LOOPBACK}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${LOOPBACK}:${port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', logDir],
    // One broker: internal topics cannot have more replicas than that.
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    // Consumer groups in tests would otherwise wait 3 s for more members that never come.
    ['group.initial.rebalance.delay.ms', 0],
    // Topics come from contracts/; a typo in a topic name must fail, not create a new topic.
    ['auto.create.topics.enable', false],
  ];
  return settings.map(([key, value]) => `${key}=${value}`).join('\n') + '\n';
}

/** Reads one key from a Java .properties text such as Kafka's meta.properties. */
export function propertyValue(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === key) return match[2];
  }
  return undefined;
}

/**
 * Kafka's cluster id format: 16 random bytes, base64url without padding. Kafka itself never hands
 * out an id starting with '-', because command-line parsers take it for an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
