'use strict';
const { startKafkaSource, listOf } = require('./kafkaSource.cjs');

// Emits every change of an incident from Kafka `incidents` (msg.topic = the change, msg.payload = the IncidentEvent).
module.exports = function register(RED) {
  function IncidentInNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    if (!server) {
      this.status({ fill: 'red', shape: 'ring', text: 'no dispatch configured' });
      return;
    }
    const kinds = listOf(config.kinds);
    const changes = listOf(config.changes);
    const stop = startKafkaSource(this, {
      brokers: server.brokers,
      topic: config.topic || 'incidents',
      groupId: config.groupId || `node-red-${this.id}`,
      fromBeginning: config.fromBeginning === true || config.fromBeginning === 'true',
      codecName: 'incidentEventCodec',
      toMessage: (event, key) => {
        if (kinds.length && !kinds.includes(event.incident.kind)) return undefined;
        if (changes.length && !changes.includes(event.change)) return undefined;
        return { topic: event.change, key, payload: event };
      },
    });
    this.on('close', (done) => stop().then(() => done(), done));
  }
  RED.nodes.registerType('gridsight-incident-in', IncidentInNode);
};
