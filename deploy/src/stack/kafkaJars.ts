import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secondsSince } from './elapsed.js';
import { lastLines } from './logTail.js';
import { describeExit, isCommandNotFound, runCommand } from './runCommand.js';
import { StackError } from './stackError.js';

export interface KafkaJarsOptions {
  /** deploy/kafka: holds pom.xml; the jars go to its libs/ folder. */
  kafkaHome: string;
  mvn?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

// Written last, with the hash of the pom the jars came from: an interrupted download has no stamp,
// and bumping the Kafka version in the pom is enough to get new jars on the next start.
const STAMP_FILE = '.pom-sha256';

/** Makes sure deploy/kafka/libs holds the jars the pom names; returns that folder. */
export async function ensureKafkaJars(options: KafkaJarsOptions): Promise<string> {
  const { kafkaHome, mvn = 'mvn', env, signal, onProgress } = options;
  const pom = join(kafkaHome, 'pom.xml');
  const libs = join(kafkaHome, 'libs');
  const pomHash = createHash('sha256').update(await readFile(pom)).digest('hex');
  const stamp = await readFile(join(libs, STAMP_FILE), 'utf8').catch(() => undefined);
  if (stamp?.trim() === pomHash) return libs;

  onProgress?.('kafka: resolving jars from Maven Central (first run only)…');
  const started = performance.now();
  await rm(libs, { recursive: true, force: true });
  const args = ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`];
  let result;
  try {
    result = await runCommand(mvn, args, { env, signal, cwd: kafkaHome });
  } catch (error) {
    if (!isCommandNotFound(error)) throw error;
    throw new StackError(
      'MAVEN_MISSING',
      `Maven is needed once to download Kafka's jars, but \`${mvn}\` was not found on PATH; ` +
        `install Debian's maven package (apt-get install maven)`,
      { cause: error },
    );
  }
  if (result.code !== 0) {
    throw new StackError(
      'MAVEN_FAILED',
      `Maven could not resolve Kafka's jars (mvn ${describeExit(result)}); its last lines:\n` +
        lastLines(result.output, 20),
    );
  }
  await writeFile(join(libs, STAMP_FILE), `${pomHash}\n`);
  onProgress?.(`kafka: jars ready in ${secondsSince(started)}`);
  return libs;
}
