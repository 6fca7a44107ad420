import assert from 'node:assert/strict';
import { kafkaServerProperties, newClusterId, propertyValue } from '../../src/stack/kafkaProperties.js';

describe('Kafka server properties', () => {
  const text = kafkaServerProperties({ port: 9092, controllerPort: 9093 }, '/data/kafka/data');

  it('makes one KRaft node, broker and controller, listening on loopback only', () => {
    assert.equal(propertyValue(text, 'process.roles'), 'broker,controller');
    assert.equal(propertyValue(text, 'controller.quorum.voters'), '1@127.0.0.1:9093');
    assert.equal(propertyValue(text, 'listeners'), 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    assert.equal(propertyValue(text, 'advertised.listeners'), 'PLAINTEXT://127.0.0.1:9092');
    assert.equal(propertyValue(text, 'log.dirs'), '/data/kafka/data');
  });

  it('fits a single broker and refuses topics nobody declared', () => {
    assert.equal(propertyValue(text, 'offsets.topic.replication.factor'), '1');
    assert.equal(propertyValue(text, 'transaction.state.log.replication.factor'), '1');
    assert.equal(propertyValue(text, 'group.initial.rebalance.delay.ms'), '0');
    assert.equal(propertyValue(text, 'auto.create.topics.enable'), 'false');
  });

  it("reads the cluster id from Kafka's meta.properties", () => {
    const meta = '#\n#Thu Nov 28 11:22:57 UTC 2026\nnode.id=1\ndirectory.id=abc\nversion=1\ncluster.id=Xy_3kLq\n';
    assert.equal(propertyValue(meta, 'cluster.id'), 'Xy_3kLq');
    assert.equal(propertyValue(meta, 'missing'), undefined);
  });

  it('makes cluster ids in Kafka’s format that never look like an option', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      assert.equal(Buffer.from(id, 'base64url').length, 16);
    }
  });
});
