'use strict';
// Config node: where the dispatch service and Kafka are, and the account the flow acts as.
// The password is a Node-RED credential (kept out of the flow file).
module.exports = function register(RED) {
  function GridsightDispatchNode(config) {
    RED.nodes.createNode(this, config);
    this.url = String(config.url || 'http://127.0.0.1:8080').replace(/\/$/, '');
    this.brokers = String(config.brokers || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
    let token;
    let expiresAt = 0;

    this.accessToken = async (forceNew = false) => {
      if (!forceNew && token && Date.now() < expiresAt - 60_000) return token;
      const response = await fetch(`${this.url}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: this.credentials.username, password: this.credentials.password }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(`sign-in as ${this.credentials.username} failed: ${body.message || response.status}`);
      token = body.token;
      expiresAt = Date.parse(body.expiresAt);
      return token;
    };
  }
  RED.nodes.registerType('gridsight-dispatch', GridsightDispatchNode, {
    credentials: { username: { type: 'text' }, password: { type: 'password' } },
  });
};
