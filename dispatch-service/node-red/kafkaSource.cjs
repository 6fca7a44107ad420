'use strict';
// Shared by the two Kafka-reading nodes: one consumer per node, messages validated against the
// Gridsight contract before they reach a flow, and the consumer closed when the flow stops.
const { Kafka, logLevel } = require('kafkajs');

function startKafkaSource(node, { brokers, topic, groupId, fromBeginning, codecName, toMessage }) {
  const kafka = new Kafka({ clientId: `node-red-${node.id}`, brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId });
  let stopped = false;
  node.status({ fill: 'yellow', shape: 'ring', text: 'connecting' });

  const run = async () => {
    const contracts = await import('@gridsight/contracts');
    const codec = contracts[codecName];
    await consumer.connect();
    // A new group starts at the end of the topic unless asked: a flow reacts to what happens from now on.
    await consumer.subscribe({ topic, fromBeginning: Boolean(fromBeginning) });
    if (stopped) return;
    node.status({ fill: 'green', shape: 'dot', text: topic });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const decoded = codec.decode(message.value ?? Buffer.alloc(0));
        if (!decoded.ok) {
          node.warn(`skipping an invalid message at ${topic}/${partition}@${message.offset}: ${decoded.error.message}`);
          return;
        }
        const msg = toMessage(decoded.value, message.key ? message.key.toString() : undefined);
        if (msg) node.send(msg);
      },
    });
  };
  run().catch((error) => {
    node.status({ fill: 'red', shape: 'ring', text: 'disconnected' });
    node.error(`Kafka consumer for ${topic} failed: ${error.message}`);
  });

  return async () => {
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
  };
}

function listOf(text) {
  return String(text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

module.exports = { startKafkaSource, listOf };
