'use strict';
// Acts on a ticket through the dispatch API as the configured account: msg.ticketId (or
// msg.payload.ticketId) and the action from the node or msg.payload.action; note, assigneeId and
// photoId from msg.payload. Sends the updated ticket on; a refusal goes to a Catch node.
const ACTIONS = ['assign', 'reassign', 'accept', 'start', 'resolve', 'verify', 'reject', 'reopen', 'escalate', 'close', 'cancel'];

module.exports = function register(RED) {
  function TicketActionNode(config) {
    RED.nodes.createNode(this, config);
    const server = RED.nodes.getNode(config.server);
    this.on('input', async (msg, send, done) => {
      const payload = msg.payload && typeof msg.payload === 'object' ? msg.payload : {};
      const ticketId = msg.ticketId || payload.ticketId || payload.ticket?.ticketId;
      const action = config.action || payload.action;
      try {
        if (!server) throw new Error('no dispatch service configured');
        if (!ticketId) throw new Error('msg.ticketId is missing');
        if (!ACTIONS.includes(action)) throw new Error(`action must be one of ${ACTIONS.join(', ')}`);
        const body = { action };
        for (const field of ['note', 'assigneeId', 'photoId', 'expectedVersion']) if (payload[field] !== undefined) body[field] = payload[field];
        const call = async (token) =>
          fetch(`${server.url}/api/v1/tickets/${encodeURIComponent(ticketId)}/actions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
        let response = await call(await server.accessToken());
        if (response.status === 401) response = await call(await server.accessToken(true));
        const result = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(`${action} refused (${response.status}): ${result.message || 'no message'}`);
        this.status({ fill: 'green', shape: 'dot', text: `${action}: ${result.status}` });
        msg.payload = result;
        send(msg);
        done();
      } catch (error) {
        this.status({ fill: 'red', shape: 'ring', text: error.message.slice(0, 40) });
        done(error);
      }
    });
  }
  RED.nodes.registerType('gridsight-ticket-action', TicketActionNode);
};
