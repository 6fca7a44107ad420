import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { geoCellKey, type AnomalyEvent } from '@gridsight/contracts';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { ensureTopics } from '../../src/kafka/ensureTopics.js';
import { issueGatewaySecrets } from '../../src/run/demoSetup.js';
import { pipelineUrls, startPipeline, type Pipeline, type PipelinePorts } from '../../src/run/pipeline.js';
import { buildDistrict } from '../../src/seed/district.js';
import { createRandom } from '../../src/seed/random.js';
import { writeSeed } from '../../src/seed/writeSeed.js';
import { sighting, tracksFor, type Track } from '../../src/sim/scenario.js';
import { connectSimulatedGateway, type SimulatedGateway } from '../../src/sim/simulatedGateway.js';
import { startKafka, type KafkaServer } from '../../src/stack/kafkaServer.js';
import { logTail } from '../../src/stack/logTail.js';
import { startPostgres, type PostgresServer } from '../../src/stack/postgresServer.js';
import { startRedis, type RedisServer } from '../../src/stack/redisServer.js';
import { repoRoot } from '../../src/stack/repoPaths.js';
import { freePorts } from '../../src/testing/index.js';

function killHard(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const PROBLEMS_PER_GATEWAY = 3;
const PACE_MS = 250;

// The promise to users: kill -9 of any component, or a restart of Kafka or PostgreSQL, loses
// nothing and creates no duplicate ticket. This runs the whole pipeline on a stack of its own, so
// that it may kill Kafka and PostgreSQL, under a steady load from every gateway of the district.
describe('faults: every part killed and restarted in turn under steady load', function () {
  this.timeout(600_000);
  const district = buildDistrict();
  const random = createRandom(7);
  let dataRoot: string;
  let kafka: KafkaServer;
  let postgres: PostgresServer;
  let redis: RedisServer;
  let kafkaPorts: { port: number; controllerPort: number };
  let pgPort: number;
  let pipeline: Pipeline;
  let ports: PipelinePorts;
  let db: pg.Client;
  const gateways = new Map<string, SimulatedGateway>();

  const restartKafka = async () => {
    killHard(kafka.pid);
    await kafka.exited;
    kafka = await startKafka({ dataDir: join(dataRoot, 'kafka'), ...kafkaPorts });
  };
  const restartPostgres = async () => {
    killHard(postgres.pid);
    await postgres.exited;
    postgres = await startPostgres({ dataDir: join(dataRoot, 'postgres'), port: pgPort });
  };

  before(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'gs-faults-'));
    // PostgreSQL runs as its own OS user when we are root; it must be able to enter this folder.
    await chmod(dataRoot, 0o755);
    const [kafkaPort, controllerPort, pg_, redisPort, ...service] = await freePorts(10);
    kafkaPorts = { port: kafkaPort!, controllerPort: controllerPort! };
    pgPort = pg_!;
    [kafka, postgres, redis] = await Promise.all([
      startKafka({ dataDir: join(dataRoot, 'kafka'), ...kafkaPorts }),
      startPostgres({ dataDir: join(dataRoot, 'postgres'), port: pgPort }),
      startRedis({ dataDir: join(dataRoot, 'redis'), port: redisPort! }),
    ]);
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    await migrate(db);
    await writeSeed(db, district, { incidents: [], detections: [], tickets: [], ticketEvents: [] }, { replace: false });
    await db.end();
    const admin = new Kafka({ clientId: 'gs-faults', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await ensureTopics(admin);
    await admin.disconnect();
    const credentials = await issueGatewaySecrets({ postgresUrl: postgres.url, repoRoot }, district.gateways.map((g) => g.gatewayId));
    ports = { mqtt: service[0]!, mqttWebSocket: service[1]!, http: service[2]!, brokerOps: service[3]!, streamProcessorOps: service[4]!, dispatchOps: service[5]! };
    pipeline = await startPipeline(
      { postgresUrl: postgres.url, kafkaBrokers: kafka.brokers, redisUrl: redis.url },
      { repoRoot, dataRoot, ports, env: { GRIDSIGHT_LOG_LEVEL: 'warn' } },
    );
    for (const credential of credentials) gateways.set(credential.gatewayId, await connectSimulatedGateway(pipelineUrls(ports).mqtt, credential));
  });

  after(async function () {
    const failed = this.currentTest?.state === 'failed' || this.test?.parent?.tests.some((t) => t.state === 'failed');
    if (failed) {
      for (const service of pipeline?.services ?? []) console.error(`--- ${service.name} (last lines)\n${await logTail(service.logFile, { lines: 20 })}`);
    }
    await Promise.all([...gateways.values()].map((g) => g.close().catch(() => undefined)));
    await pipeline?.stop();
    await Promise.all([kafka?.stop(), postgres?.stop(), redis?.stop()]);
    // A failure keeps every service's full log for the post-mortem.
    if (failed) console.error(`fault test: logs and data kept in ${dataRoot}`);
    else if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  it('stores every published event once and makes exactly one incident and one ticket per problem', async () => {
    // Problems 100 m apart along each cell's diagonal: far beyond the merge radius of each other.
    const tracksByGateway = new Map<string, Track[]>();
    for (const gateway of district.gateways) {
      const cell = district.cells.find((c) => c.cellId === gateway.cellId)!;
      const tracks = Array.from({ length: PROBLEMS_PER_GATEWAY }, (_, i) => {
        const f = (i + 1) / (PROBLEMS_PER_GATEWAY + 1);
        const location = { lat: cell.minLat + f * (cell.maxLat - cell.minLat), lon: cell.minLon + f * (cell.maxLon - cell.minLon) };
        return tracksFor(
          {
            kind: 'garbage_pile',
            location,
            seenBy: [
              { type: 'camera', gatewayId: gateway.gatewayId, deviceId: 'cam-1' },
              { type: 'camera', gatewayId: gateway.gatewayId, deviceId: 'cam-2' },
            ],
          },
          random,
        );
      }).flat();
      tracksByGateway.set(gateway.gatewayId, tracks);
    }

    const acknowledged = new Set<string>();
    const publishedBy = new Map<string, { gatewayId: string; cell: string; at: number }>();
    const pending: Promise<void>[] = [];
    const failures: unknown[] = [];
    const publish = (gatewayId: string, event: AnomalyEvent): Promise<void> =>
      gateways
        .get(gatewayId)!
        .publish(event)
        .then(
          () => void acknowledged.add(event.eventId),
          (error: unknown) => void failures.push(error),
        );
    const outage = { gatewayId: district.gateways[0]!.gatewayId, active: false, queue: [] as AnomalyEvent[] };
    let loading = true;
    const load = async (gatewayId: string) => {
      const tracks = tracksByGateway.get(gatewayId)!;
      const seen = new Set<string>();
      for (let n = 0; loading; n++) {
        const track = tracks[n % tracks.length]!;
        const event = sighting(track, seen.has(track.trackId) ? 'updated' : 'detected', Date.now(), random);
        seen.add(track.trackId);
        publishedBy.set(event.eventId, { gatewayId, cell: geoCellKey(event.location), at: Date.now() });
        if (outage.active && gatewayId === outage.gatewayId) outage.queue.push(event);
        else pending.push(publish(gatewayId, event));
        await sleep(PACE_MS);
      }
    };
    const loads = district.gateways.map((g) => load(g.gatewayId));
    const faults: [string, () => Promise<void>][] = [
      ['stream-processor SIGKILL', () => pipeline.crashAndRestart('stream-processor')],
      ['broker SIGKILL', () => pipeline.crashAndRestart('broker')],
      ['dispatch-service SIGKILL', () => pipeline.crashAndRestart('dispatch-service')],
      ['stream-processor SIGKILL again', () => pipeline.crashAndRestart('stream-processor')],
      ['Kafka SIGKILL', restartKafka],
      ['PostgreSQL SIGKILL', restartPostgres],
      [
        `gateway ${outage.gatewayId} cut off for 10 s, then replays`,
        async () => {
          outage.active = true;
          await sleep(10_000);
          outage.active = false;
          for (const event of outage.queue.splice(0)) pending.push(publish(outage.gatewayId, event));
        },
      ],
    ];
    const report: string[] = [];
    for (const [name, fault] of faults) {
      await sleep(4000);
      const started = Date.now();
      await fault();
      report.push(`${name}: back in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    await sleep(3000);
    loading = false;
    await Promise.all(loads);
    // Every QoS 1 publish must end in a PUBACK; one that fails or never settles is reported, not waited on forever.
    const settled = await Promise.race([Promise.all(pending).then(() => true), sleep(180_000).then(() => false)]);
    assert.ok(settled, `${pending.length - acknowledged.size - failures.length} of ${pending.length} publishes were neither acknowledged nor refused within 180 s`);
    assert.equal(failures.length, 0, `${failures.length} publishes failed; the first: ${String(failures[0])}`);

    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const stored = async () => (await db.query<{ n: string }>('SELECT count(*) AS n FROM detections')).rows[0]!.n;
    const deadline = Date.now() + 120_000;
    while (Number(await stored()) < acknowledged.size && Date.now() < deadline) await sleep(500);

    const { rows: events } = await db.query<{ event_id: string }>('SELECT event_id FROM detections');
    const storedIds = new Set(events.map((r) => r.event_id));
    const problems = district.gateways.length * PROBLEMS_PER_GATEWAY;
    const waitForTickets = Date.now() + 60_000;
    let counts = { incidents: 0, tickets: 0, ticketsPerIncidentMax: 0 };
    while (Date.now() < waitForTickets) {
      const { rows } = await db.query<{ incidents: string; tickets: string; most: string | null }>(
        `SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM tickets) AS tickets,
                (SELECT max(n) FROM (SELECT count(*) AS n FROM tickets GROUP BY incident_id) AS per) AS most`,
      );
      counts = { incidents: Number(rows[0]!.incidents), tickets: Number(rows[0]!.tickets), ticketsPerIncidentMax: Number(rows[0]!.most ?? 0) };
      if (counts.tickets >= counts.incidents && counts.incidents >= problems) break;
      await sleep(500);
    }
    await db.end();

    const missing = [...acknowledged].filter((id) => !storedIds.has(id));
    console.log(
      [
        '      fault injection report:',
        ...report.map((line) => `        ${line}`),
        `        events acknowledged by the broker: ${acknowledged.size}; stored: ${events.length} (distinct ${storedIds.size}); lost: ${missing.length}; duplicated: ${events.length - storedIds.size}`,
        `        problems: ${problems}; incidents: ${counts.incidents}; tickets: ${counts.tickets}; most tickets for one incident: ${counts.ticketsPerIncidentMax}`,
      ].join('\n'),
    );
    if (missing.length > 0) assert.fail(`every acknowledged event is stored; missing: ${describeMissing(missing, publishedBy)}`);
    assert.equal(events.length, storedIds.size, 'no event is stored twice');
    assert.equal(events.length, acknowledged.size, 'nothing is stored that was not published');
    assert.equal(counts.incidents, problems, 'one incident per real-world problem');
    assert.equal(counts.tickets, counts.incidents, 'one ticket per incident');
    assert.equal(counts.ticketsPerIncidentMax, 1);
  });
});

/** Which cells and when: tells a stalled partition (a tail) from a lost window (a gap) at a glance. */
function describeMissing(missing: string[], publishedBy: Map<string, { gatewayId: string; cell: string; at: number }>): string {
  const sources = missing.map((id) => publishedBy.get(id)!);
  const times = sources.map((s) => s.at).sort((a, b) => a - b);
  const cells = new Map<string, number>();
  for (const { cell } of sources) cells.set(cell, (cells.get(cell) ?? 0) + 1);
  const lastPublished = Math.max(...[...publishedBy.values()].map((s) => s.at));
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    `${missing.length} events published between ${iso(times[0]!)} and ${iso(times.at(-1)!)} (last publish of the run ${iso(lastPublished)})`,
    `from ${new Set(sources.map((s) => s.gatewayId)).size} gateways in ${cells.size} cells: ${[...cells].map(([cell, n]) => `${cell}×${n}`).join(' ')}`,
    `first ids: ${missing.slice(0, 5).join(' ')}`,
  ].join('; ');
}
