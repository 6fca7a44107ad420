import { strict as assert } from 'node:assert';
import { isValidTopicFilter, topicMatches } from '../../src/core/topicFilter.js';

describe('topic filters', () => {
  it('matches single-level and multi-level wildcards as MQTT 3.1.1 does', () => {
    assert.ok(topicMatches('sensors/+/tilt', 'sensors/mh-1/tilt'));
    assert.ok(!topicMatches('sensors/+/tilt', 'sensors/mh-1/x/tilt'));
    assert.ok(topicMatches('sensors/#', 'sensors/mh-1/tilt'));
    assert.ok(topicMatches('sensors/#', 'sensors'), 'the parent level matches # too [MQTT-4.7.1-2]');
    assert.ok(topicMatches('sensors/mh-1', 'sensors/mh-1'));
    assert.ok(!topicMatches('sensors/mh-1', 'sensors/mh-10'));
    assert.ok(!topicMatches('sensors/+', 'sensors/mh-1/tilt'));
    assert.ok(topicMatches('+/+', '/x'), 'an empty level is a level');
  });

  it('keeps wildcards at the first level away from $ topics', () => {
    assert.ok(!topicMatches('#', '$SYS/broker/uptime'));
    assert.ok(!topicMatches('+/broker/uptime', '$SYS/broker/uptime'));
    assert.ok(topicMatches('$SYS/#', '$SYS/broker/uptime'));
  });

  it('refuses filters with misplaced wildcards', () => {
    for (const good of ['a/b', 'a/+/c', '#', 'a/#', '+', '/']) assert.ok(isValidTopicFilter(good), good);
    for (const bad of ['', 'a/#/c', 'a/b#', 'a+/b', 'a/++', 'a\u0000b']) assert.ok(!isValidTopicFilter(bad), JSON.stringify(bad));
  });
});
