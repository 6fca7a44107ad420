import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaMajorVersion } from '../../src/stack/javaRuntime.js';
import { startKafka } from '../../src/stack/kafkaServer.js';
import { isStackError } from '../../src/stack/stackError.js';

describe('Java for Kafka', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gs-java-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const start = (path: string): ReturnType<typeof startKafka> =>
    startKafka({ dataDir: join(folder, 'kafka'), port: 1, controllerPort: 2, env: { PATH: path } });

  it('reports a missing java plainly, before touching the data folder', async () => {
    const emptyBin = join(folder, 'bin');
    await assert.rejects(start(emptyBin), (error: unknown) => {
      assert.ok(isStackError(error, 'JAVA_MISSING'));
      assert.equal(
        error.message,
        'Java 17+ is required to run Kafka: `java` was not found on PATH; install openjdk-17-jre-headless',
      );
      return true;
    });
    assert.equal(existsSync(join(folder, 'kafka')), false);
  });

  it('reports a java older than 17 with its version', async () => {
    const bin = join(folder, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'java'), '#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\n');
    await chmod(join(bin, 'java'), 0o755);
    await assert.rejects(start(bin), (error: unknown) => {
      assert.ok(isStackError(error, 'JAVA_TOO_OLD'));
      assert.match(error.message, /is Java 8; install openjdk-17-jre-headless/);
      return true;
    });
  });

  it('reads the major version from old and new `java -version` output', () => {
    assert.equal(javaMajorVersion('openjdk version "17.0.15" 2025-04-15'), 17);
    assert.equal(javaMajorVersion('openjdk version "21" 2023-09-19'), 21);
    assert.equal(javaMajorVersion('java version "1.8.0_292"'), 8);
    assert.equal(javaMajorVersion('bash: java: command not found'), undefined);
  });
});
