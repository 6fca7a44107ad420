import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { checkJava } from './javaRuntime.js';
import { ensureKafkaJars } from './kafkaJars.js';
import { kafkaServerProperties, newClusterId, propertyValue } from './kafkaProperties.js';
import { isJavaStackFrame, lastLines, logTail } from './logTail.js';
import { startOwnServer } from './ownServer.js';
import { LOOPBACK } from './ports.js';
import { kafkaHome } from './repoPaths.js';
import { describeExit, runCommand, type ExitStatus } from './runCommand.js';
import { StackError, startInterrupted } from './stackError.js';

export interface KafkaServerOptions {
  /** Everything Kafka writes lives here: its properties, logs and partitions. */
  dataDir: string;
  port: number;
  controllerPort: number;
  /** The java command; a bare name is looked up on env's PATH. */
  java?: string;
  mvn?: string;
  /** Environment for java and mvn; this process's own by default. */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface KafkaServer {
  brokers: string[];
  clusterId: string;
  pid: number;
  /** Kafka's own log (log4j); its console output, errors only, is in console.log beside it. */
  logFile: string;
  /** Settles when the broker process has exited, whether through stop() or not. */
  exited: Promise<ExitStatus>;
  /** SIGTERM (Kafka's clean shutdown), then SIGKILL if it is still running after 20 s. */
  stop(): Promise<void>;
}

export async function startKafka(options: KafkaServerOptions): Promise<KafkaServer> {
  const { dataDir, port, controllerPort, env, signal, onProgress } = options;
  const { java = 'java', startTimeoutMs = 60_000 } = options;
  const started = performance.now();
  await checkJava(java, env);
  const libs = await ensureKafkaJars({ kafkaHome, mvn: options.mvn, env, signal, onProgress });
  if (signal?.aborted) throw startInterrupted();

  await mkdir(dataDir, { recursive: true });
  const propertiesFile = join(dataDir, 'server.properties');
  const partitionsDir = join(dataDir, 'data');
  const logFile = join(dataDir, 'server.log');
  const consoleLog = join(dataDir, 'console.log');
  // Rewritten on every start so that changed ports take effect; the cluster id is not in it.
  await writeFile(propertiesFile, kafkaServerProperties({ port, controllerPort }, partitionsDir));
  const jvm = (heap: string[]): string[] => [
    ...heap,
    `-Dlog4j.configuration=${pathToFileURL(join(kafkaHome, 'log4j.properties')).href}`,
    `-Dkafka.logs.dir=${dataDir}`,
    '-cp',
    join(libs, '*'),
  ];

  const meta = await readFile(join(partitionsDir, 'meta.properties'), 'utf8').catch(() => '');
  let clusterId = propertyValue(meta, 'cluster.id');
  if (clusterId === undefined) {
    clusterId = newClusterId();
    onProgress?.('kafka: formatting storage (first run only)…');
    const format = ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile];
    const result = await runCommand(java, [...jvm(['-Xmx256m']), ...format], { env, signal, cwd: dataDir });
    if (result.code !== 0) {
      throw new StackError(
        'COMMAND_FAILED',
        `kafka: formatting storage in ${partitionsDir} failed (${describeExit(result)}):\n` +
          lastLines(result.output, 20),
      );
    }
  }

  const address = `${LOOPBACK}:${port}`;
  const server = await startOwnServer({
    spawn: {
      command: java,
      args: [...jvm(['-Xms256m', '-Xmx768m']), 'kafka.Kafka', propertiesFile],
      logFile: consoleLog,
      stopSignal: 'SIGTERM',
      env,
      cwd: dataDir,
    },
    name: 'kafka',
    address,
    logFile,
    probe: () => describeCluster([address]),
    expected: clusterId,
    describe: (id) => `cluster ${id}`,
    exitReport: async () =>
      `the last lines of ${consoleLog}:\n${await logTail(consoleLog, { lines: 12, skip: isJavaStackFrame })}\n(details in ${logFile})`,
    timeoutMs: startTimeoutMs,
    signal,
    startedAt: started,
    onProgress,
  });
  return { brokers: [address], clusterId, logFile, ...server };
}

/** The cluster id once the broker serves metadata and has registered itself, i.e. takes requests. */
async function describeCluster(brokers: string[]): Promise<string> {
  const admin = new Kafka({
    clientId: 'gridsight-stack',
    brokers,
    // Refused connections are the expected answer while the JVM starts; the loop reports the last one.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker has registered yet');
    return cluster.clusterId;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
