'use strict';
const { startKafkaSource, listOf } = require('./kafkaSource.cjs');

// Emits ticket transitions from Kafka `ticket-events` (msg.topic = the transition, msg.payload = the TicketEvent),
// optionally only some transitions or priorities.
module.exports = function register(RED) {
  function TicketEventInNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    if (!server) {
      this.status({ fill: 'red', shape: 'ring', text: 'no dispatch configured' });
      return;
    }
    const transitions = listOf(config.transitions);
    const priorities = listOf(config.priorities);
    const stop = startKafkaSource(this, {
      brokers: server.brokers,
      topic: config.topic || 'ticket-events',
      groupId: config.groupId || `node-red-${this.id}`,
      fromBeginning: config.fromBeginning === true || config.fromBeginning === 'true',
      codecName: 'ticketEventCodec',
      toMessage: (event, key) => {
        if (transitions.length && !transitions.includes(event.transition)) return undefined;
        if (priorities.length && !priorities.includes(event.ticket.priority)) return undefined;
        return { topic: event.transition, key, ticketId: event.ticket.ticketId, payload: event };
      },
    });
    this.on('close', (done) => stop().then(() => done(), done));
  }
  RED.nodes.registerType('gridsight-ticket-event-in', TicketEventInNode);
};
