import { KAFKA_TOPIC_SPECS, type KafkaTopicSpec } from '@gridsight/contracts';
import type { Admin } from 'kafkajs';

/** Creates the contract's topics that do not exist yet; existing ones are left as they are. Returns the names created. */
export async function ensureTopics(admin: Admin, specs: readonly KafkaTopicSpec[] = KAFKA_TOPIC_SPECS, replicationFactor = 1): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: [{ name: 'cleanup.policy', value: spec.cleanupPolicy }],
    })),
  });
  return missing.map((spec) => spec.name);
}
