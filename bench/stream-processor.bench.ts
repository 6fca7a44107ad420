// Stream processor throughput: events/s from Kafka to committed rows, with validation, dedupe,
// incidents and outbox, by the real process (node stream-processor/dist/main.js), against a plain
// COPY of the same detection rows into the same table in the same run (target ≥ 0.5× COPY). Also
// measures the processor's memory at steady state, and the ways of an idempotent batched insert
// the processor could use (multi-row VALUES, UNNEST or COPY into a temp table then INSERT … SELECT,
// each ON CONFLICT DO NOTHING; or a lookup of the stored ids then a plain COPY of the rest, as text
// or in the binary format).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { geoCellKey, type AnomalyEvent } from '@gridsight/contracts';
import { createTestDatabase, testServices, uniqueName } from '@gridsight/deploy/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { insertDetections, storedEventIds, type DetectionRow } from '../stream-processor/src/adapters/db/detectionsStore.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EVENTS = Number(process.env.GRIDSIGHT_BENCH_EVENTS ?? 20_000);
// Processor processes in one consumer group, the design's scale-out; the COPY baseline is the same whatever the number.
const INSTANCES = Number(process.env.GRIDSIGHT_BENCH_SP_INSTANCES ?? 1);
const SIGHTINGS_PER_PROBLEM = 20;
const WRITE_BATCH = 500;
const COPY_RUNS = 5;
const say = (line: string) => process.stderr.write(`stream-processor bench: ${line}\n`);

function uuidV7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A district's day: problems 100 m or more apart, each seen by two cameras SIGHTINGS_PER_PROBLEM times in all, interleaved. */
function generateEvents(total: number): AnomalyEvent[] {
  const problems = Math.ceil(total / SIGHTINGS_PER_PROBLEM);
  const side = Math.ceil(Math.sqrt(problems));
  const start = Date.parse('2026-11-28T06:00:00Z');
  const events: AnomalyEvent[] = [];
  for (let s = 0; s < SIGHTINGS_PER_PROBLEM; s++) {
    for (let p = 0; p < problems && events.length < total; p++) {
      const lat = 52.45 + Math.floor(p / side) * 0.0009 + (s % 2) * 0.00003;
      const lon = 13.3 + (p % side) * 0.0015 + (s % 2) * 0.00003;
      const at = start + s * 60_000 + p;
      const camera = `cam-${p}-${s % 2}`;
      events.push({
        schema: 'anomaly/v1',
        eventId: uuidV7(at),
        type: s < 2 ? 'detected' : 'updated',
        kind: p % 3 === 0 ? 'manhole_open' : 'garbage_pile',
        source: { type: 'camera', gatewayId: `gw-${Math.floor(p / 4)}`, deviceId: camera },
        observedAt: new Date(at).toISOString(),
        confidence: 0.5 + ((p * 7 + s) % 50) / 100,
        bbox: [0.2, 0.3, 0.15, 0.1],
        trackId: `trk-${p}`,
        location: { lat, lon, accuracyM: 2 + (s % 5) },
        model: { name: 'gridsight-det', version: '1.0.0', sha256: 'ab'.repeat(32) },
      });
    }
  }
  return events;
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  return Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
}

function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used (user + system), from /proc; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of the PostgreSQL server processes (on this machine) serving the processor's connections, not the bench's own. */
async function processorBackendCpuSeconds(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gridsight-stream-processor'",
  );
  return rows.reduce((total, { pid }) => total + cpuSeconds(pid), 0);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};

async function timeIt(work: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function copyIn(client: pg.PoolClient, sql: string, text: string): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
}

async function copyOut(client: pg.PoolClient, sql: string): Promise<string> {
  const chunks: Buffer[] = [];
  await pipeline(
    client.query(copyTo(sql)),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks).toString('utf8');
}

const DETECTION_COLUMNS = 'event_id, observed_at, type, kind, source_type, gateway_id, device_id, confidence, bbox, track_id, lat, lon, accuracy_m, geo_cell, model_name, model_version, snapshot_id, incident_id, cell_id';

function valuesOf(row: DetectionRow): unknown[] {
  const e = row.event;
  return [e.eventId, e.observedAt, e.type, e.kind, e.source.type, e.source.gatewayId, e.source.deviceId, e.confidence, e.bbox ? `{${e.bbox.join(',')}}` : null, e.trackId ?? null,
    e.location.lat, e.location.lon, e.location.accuracyM, geoCellKey(e.location), e.model?.name ?? null, e.model?.version ?? null, null, null, null];
}

function copyText(rows: DetectionRow[]): string {
  return `${rows.map((row) => valuesOf(row).map((v) => (v === null ? '\\N' : String(v))).join('\t')).join('\n')}\n`;
}

async function insertWithValues(client: pg.PoolClient, rows: DetectionRow[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const values = valuesOf(row);
    const base = params.length;
    params.push(...values);
    return `(${values.map((_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  await client.query(`INSERT INTO detections (${DETECTION_COLUMNS}) VALUES ${tuples.join(', ')} ON CONFLICT (event_id, observed_at) DO NOTHING`, params);
}

async function insertWithUnnest(client: pg.PoolClient, rows: DetectionRow[]): Promise<void> {
  const columns = Array.from({ length: 19 }, (_, c) => rows.map((row) => valuesOf(row)[c]));
  const types = ['uuid', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'real', 'text', 'text', 'float8', 'float8', 'real', 'text', 'text', 'text', 'uuid', 'uuid', 'text'];
  await client.query(
    `INSERT INTO detections (${DETECTION_COLUMNS})
     SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9::real[], c10, c11, c12, c13, c14, c15, c16, c17, c18, c19
       FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${types.map((_, i) => `c${i + 1}`).join(', ')})
     ON CONFLICT (event_id, observed_at) DO NOTHING`,
    columns,
  );
}

async function insertThroughStaging(client: pg.PoolClient, rows: DetectionRow[]): Promise<void> {
  await client.query('CREATE TEMP TABLE IF NOT EXISTS detections_incoming (LIKE detections INCLUDING DEFAULTS) ON COMMIT DELETE ROWS');
  await copyIn(client, `COPY detections_incoming (${DETECTION_COLUMNS}) FROM STDIN`, copyText(rows));
  await client.query(`INSERT INTO detections (${DETECTION_COLUMNS}) SELECT ${DETECTION_COLUMNS} FROM detections_incoming ON CONFLICT (event_id, observed_at) DO NOTHING`);
}

async function insertAfterLookup(client: pg.PoolClient, rows: DetectionRow[]): Promise<void> {
  const stored = await storedEventIds(client, rows.map((r) => r.event.eventId));
  const fresh = rows.filter((r) => !stored.has(r.event.eventId));
  if (fresh.length > 0) await copyIn(client, `COPY detections (${DETECTION_COLUMNS}) FROM STDIN`, copyText(fresh));
}

async function insertBinaryAfterLookup(client: pg.PoolClient, rows: DetectionRow[]): Promise<void> {
  const stored = await storedEventIds(client, rows.map((r) => r.event.eventId));
  await insertDetections(client, rows.filter((r) => !stored.has(r.event.eventId)));
}

async function main(): Promise<void> {
  const { kafkaBrokers } = testServices();
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const kafka = new Kafka({ clientId: 'gs-sp-bench', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = {
    anomaly: uniqueName('gs-bench-anomaly'),
    other: [uniqueName('gs-bench-telemetry'), uniqueName('gs-bench-status'), uniqueName('gs-bench-tickets'), uniqueName('gs-bench-incidents'), uniqueName('gs-bench-dlq')],
  };
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: topics.anomaly, numPartitions: 6, replicationFactor: 1 }, ...topics.other.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 }))],
    });

    const events = generateEvents(EVENTS);
    say(`producing ${events.length} events to Kafka (not timed)…`);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < events.length; i += 2_000) {
      await producer.send({ topic: topics.anomaly, acks: -1, messages: events.slice(i, i + 2_000).map((e) => ({ key: geoCellKey(e.location), value: JSON.stringify(e) })) });
    }
    await producer.disconnect();

    say('running node stream-processor/dist/main.js until every event is a committed row…');
    const [telemetry, status, tickets, incidents, dlq] = topics.other as [string, string, string, string, string];
    // GRIDSIGHT_BENCH_SP_NODE_FLAGS passes Node flags that NODE_OPTIONS refuses (e.g. --cpu-prof) to the processor, for profiling it under this load.
    const nodeFlags = (process.env.GRIDSIGHT_BENCH_SP_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const groupId = uniqueName('gs-bench-group');
    const spawnInstance = () => spawn(process.execPath, [...nodeFlags, join(root, 'stream-processor', 'dist', 'main.js')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        GRIDSIGHT_KAFKA_BROKERS: kafkaBrokers.join(','),
        GRIDSIGHT_DATABASE_URL: database.url,
        GRIDSIGHT_SP_GROUP_ID: groupId,
        GRIDSIGHT_SP_TOPIC_ANOMALY_EVENTS: topics.anomaly,
        GRIDSIGHT_SP_TOPIC_SENSOR_TELEMETRY: telemetry,
        GRIDSIGHT_SP_TOPIC_GATEWAY_STATUS: status,
        GRIDSIGHT_SP_TOPIC_TICKET_EVENTS: tickets,
        GRIDSIGHT_SP_TOPIC_INCIDENTS: incidents,
        GRIDSIGHT_SP_TOPIC_DLQ: dlq,
        GRIDSIGHT_SP_OPS_PORT: '0',
        GRIDSIGHT_LOG_LEVEL: 'warn',
      },
    });
    const children = Array.from({ length: INSTANCES }, spawnInstance);
    const exited = children.map((child) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))));
    const processorCpuSeconds = () => children.reduce((total, child) => total + cpuSeconds(child.pid!), 0);
    const spawnedAt = Date.now();
    let firstRowAt: number | undefined;
    // Rows already committed when the first are seen: their batch's time lies before the window, so they are not counted in it.
    let rowsBeforeWindow = 0;
    let cpuAtFirstRow = { processor: 0, postgres: 0 };
    // RSS of all instances together, and of each.
    const rssSamples: Array<{ at: number; mb: number; perInstance: number[] }> = [];
    let stored = 0;
    let lastReport = 0;
    while (stored < events.length) {
      const gone = children.find((child) => child.exitCode !== null);
      if (gone) throw new Error(`a processor exited with ${gone.exitCode} after ${stored} rows`);
      if (Date.now() - spawnedAt > 600_000) throw new Error(`gave up after 10 minutes with ${stored} of ${events.length} rows`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await count(pool, 'SELECT count(*) AS n FROM detections');
      const perInstance = children.map((child) => rssMb(child.pid!));
      const mb = perInstance.every((v) => v !== undefined) ? perInstance.reduce((a, b) => a + b!, 0) : undefined;
      if (mb !== undefined) rssSamples.push({ at: Date.now(), mb, perInstance: perInstance as number[] });
      if (stored > 0 && firstRowAt === undefined) {
        firstRowAt = Date.now();
        rowsBeforeWindow = stored;
        cpuAtFirstRow = { processor: processorCpuSeconds(), postgres: await processorBackendCpuSeconds(pool) };
      }
      if (Date.now() - lastReport > 1_000) {
        lastReport = Date.now();
        const seconds = firstRowAt ? (Date.now() - firstRowAt) / 1000 : 0;
        say(`${stored}/${events.length} rows${seconds > 0 ? `, ${Math.round((stored - rowsBeforeWindow) / seconds)} events/s` : ''}, RSS ${mb?.toFixed(0) ?? '?'} MB`);
      }
    }
    const doneAt = Date.now();
    const windowCpu = { processor: processorCpuSeconds() - cpuAtFirstRow.processor, postgres: (await processorBackendCpuSeconds(pool)) - cpuAtFirstRow.postgres };
    // The relay publishes announcements while events are stored; how far it trails is part of the cost.
    while ((await count(pool, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')) > 0) {
      if (Date.now() - doneAt > 120_000) throw new Error('announcements still unpublished 2 minutes after the last row');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const publishedAt = Date.now();
    const incidentCount = await count(pool, 'SELECT count(*) AS n FROM incidents');
    const outboxRows = await count(pool, 'SELECT count(*) AS n FROM outbox');
    for (const child of children) child.kill('SIGTERM');
    const exitCodes = await Promise.all(exited);
    const exitCode = exitCodes.find((code) => code !== 0) ?? 0;
    const steadySeconds = (doneAt - firstRowAt!) / 1000;
    const totalSeconds = (doneAt - spawnedAt) / 1000;
    const steadySamples = rssSamples.filter((s) => s.at >= firstRowAt! + (doneAt - firstRowAt!) / 2);
    const steadyRss = steadySamples.map((s) => s.mb);
    const steadyRssPerInstance = children.map((_, i) => Math.round(median(steadySamples.map((s) => s.perInstance[i]!))));
    const publishLagSeconds = (publishedAt - doneAt) / 1000;
    const windowRows = events.length - rowsBeforeWindow;
    say(`processor: ${windowRows} events in ${steadySeconds.toFixed(2)} s from first to last committed row (${rowsBeforeWindow} committed before) (${totalSeconds.toFixed(2)} s from spawn), ${incidentCount} incidents, ${outboxRows} announcements all published ${publishLagSeconds.toFixed(2)} s after the last row, exit ${exitCode}`);

    say('baseline: the same rows, COPY into the same (emptied) table…');
    const client = await pool.connect();
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    let copySeconds: number;
    const copyRuns: number[] = [];
    const copyCpu: number[] = [];
    const methods: Record<string, number> = {};
    const methodCpu: Record<string, number> = {};
    try {
      const csv = await copyOut(client, `COPY (SELECT ${DETECTION_COLUMNS} FROM detections) TO STDOUT WITH (FORMAT csv)`);
      // One COPY lasts about a second, so a burst of load from elsewhere can swing it several-fold:
      // the baseline is the median of a few, each into the emptied table.
      for (let run = 0; run < COPY_RUNS; run++) {
        await client.query('TRUNCATE detections');
        const cpuBefore = cpuSeconds(backendPid);
        copyRuns.push(await timeIt(() => copyIn(client, `COPY detections (${DETECTION_COLUMNS}) FROM STDIN WITH (FORMAT csv)`, csv)));
        copyCpu.push(cpuSeconds(backendPid) - cpuBefore);
        say(`COPY ${run + 1}/${COPY_RUNS}: ${events.length} rows in ${copyRuns.at(-1)!.toFixed(3)} s`);
      }
      copySeconds = median(copyRuns);

      const rows: DetectionRow[] = events.map((event) => ({ event }));
      const writers: Record<string, (batch: DetectionRow[]) => Promise<unknown>> = {
        'multi-row VALUES, ON CONFLICT DO NOTHING': (batch) => insertWithValues(client, batch),
        'UNNEST, ON CONFLICT DO NOTHING': (batch) => insertWithUnnest(client, batch),
        'COPY to a staging table + INSERT SELECT ON CONFLICT DO NOTHING': (batch) => insertThroughStaging(client, batch),
        'lookup of stored ids + plain COPY (text) of the rest': (batch) => insertAfterLookup(client, batch),
        'lookup of stored ids + plain COPY (binary) of the rest (used)': (batch) => insertBinaryAfterLookup(client, batch),
      };
      for (const [name, write] of Object.entries(writers)) {
        await client.query('TRUNCATE detections');
        const cpuBefore = cpuSeconds(backendPid);
        methods[name] = await timeIt(async () => {
          for (let i = 0; i < rows.length; i += WRITE_BATCH) {
            await client.query('BEGIN');
            await write(rows.slice(i, i + WRITE_BATCH));
            await client.query('COMMIT');
          }
        });
        methodCpu[name] = cpuSeconds(backendPid) - cpuBefore;
        say(`${name}: ${rows.length} rows in batches of ${WRITE_BATCH}, ${methods[name]!.toFixed(3)} s, PostgreSQL CPU ${methodCpu[name]!.toFixed(2)} s`);
      }
    } finally {
      client.release();
    }

    const processorRate = windowRows / steadySeconds;
    const microsPerRow = (seconds: number, rows: number) => Math.round((seconds / rows) * 1e6);
    const copyRate = events.length / copySeconds;
    const result = {
      benchmark: 'stream-processor',
      at: new Date().toISOString(),
      events: events.length,
      incidents: incidentCount,
      outboxRows,
      processor: {
        eventsPerSecond: Math.round(processorRate),
        secondsFirstToLastRow: steadySeconds,
        rowsInWindow: windowRows,
        cpuMicrosPerEvent: { processor: microsPerRow(windowCpu.processor, windowRows), postgres: microsPerRow(windowCpu.postgres, windowRows) },
        eventsPerSecondIncludingStart: Math.round(events.length / totalSeconds),
        secondsFromSpawn: totalSeconds,
        instances: INSTANCES,
        steadyRssMb: Math.round(median(steadyRss)),
        steadyRssMbPerInstance: steadyRssPerInstance,
        maxRssMb: Math.round(Math.max(...rssSamples.map((s) => s.mb))),
        exitCodeOnSigterm: exitCode,
        announcementsPublishedSecondsAfterLastRow: publishLagSeconds,
      },
      baselineCopy: {
        rowsPerSecond: Math.round(copyRate),
        seconds: copySeconds,
        runs: copyRuns.map((t) => Math.round(events.length / t)),
        postgresCpuMicrosPerRow: microsPerRow(median(copyCpu), events.length),
      },
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      ratioToCopy: Number((processorRate / copyRate).toFixed(3)),
      target: 0.5,
      writeMethods: Object.fromEntries(
        Object.entries(methods).map(([name, seconds]) => [name, { seconds, rowsPerSecond: Math.round(events.length / seconds), postgresCpuMicrosPerRow: microsPerRow(methodCpu[name]!, events.length) }]),
      ),
    };
    const best = Object.entries(result.writeMethods).sort((a, b) => b[1].rowsPerSecond - a[1].rowsPerSecond)[0]!;
    const leanest = Object.entries(result.writeMethods).sort((a, b) => a[1].postgresCpuMicrosPerRow - b[1].postgresCpuMicrosPerRow)[0]!;
    const markdown = [
      `# stream-processor benchmark (${result.at})`,
      '',
      `${result.events} AnomalyEvents (${SIGHTINGS_PER_PROBLEM} sightings per problem from two cameras) on 6 partitions, through ${INSTANCES === 1 ? 'one process' : `${INSTANCES} processes in one consumer group`} \`node stream-processor/dist/main.js\` with its defaults.`,
      '',
      '| measure | value |',
      '|---|---|',
      `| processor, Kafka → committed rows with dedupe, incidents and outbox | **${result.processor.eventsPerSecond} events/s** (${windowRows} rows in ${steadySeconds.toFixed(2)} s from the first committed row to the last; the ${rowsBeforeWindow} committed with the first are not counted) |`,
      `| including process start and group join | ${result.processor.eventsPerSecondIncludingStart} events/s (${totalSeconds.toFixed(2)} s) |`,
      `| baseline: plain COPY of the same rows into the same table, median of ${COPY_RUNS} | ${result.baselineCopy.rowsPerSecond} rows/s (${copySeconds.toFixed(3)} s; runs ${Math.min(...result.baselineCopy.runs)}–${Math.max(...result.baselineCopy.runs)} rows/s) |`,
      `| **ratio to COPY** (target ≥ ${result.target}) | **${result.ratioToCopy}×** |`,
      `| CPU per event in that window: processor / its PostgreSQL backends | ${result.processor.cpuMicrosPerEvent.processor} µs / ${result.processor.cpuMicrosPerEvent.postgres} µs |`,
      `| CPU per row of the COPY (PostgreSQL backend, median run) | ${result.baselineCopy.postgresCpuMicrosPerRow} µs |`,
      `| machine load average (1, 5, 15 min) at the end, on ${cpus().length} CPUs | ${result.loadAverage.join(', ')} |`,
      `| incidents made | ${incidentCount} (expected ${Math.ceil(EVENTS / SIGHTINGS_PER_PROBLEM)}) |`,
      `| announcements (outbox rows, published to Kafka by the relay) | ${outboxRows}, the last published ${publishLagSeconds.toFixed(2)} s after the last row |`,
      `| processor RSS at steady state (median, second half) / max${INSTANCES === 1 ? '' : `, all ${INSTANCES} processes together (each at steady state: ${steadyRssPerInstance.join(', ')} MB)`} | ${result.processor.steadyRssMb} MB / ${result.processor.maxRssMb} MB |`,
      '',
      `Idempotent batched insert of the same ${result.events} rows, ${WRITE_BATCH} per transaction:`,
      '',
      '| method | rows/s | seconds | PostgreSQL CPU per row |',
      '|---|---|---|---|',
      ...Object.entries(result.writeMethods).map(([name, m]) => `| ${name} | ${m.rowsPerSecond} | ${m.seconds.toFixed(3)} | ${m.postgresCpuMicrosPerRow} µs |`),
      '',
      `Fastest: ${best[0]}. Least PostgreSQL CPU: ${leanest[0]}.`,
      '',
    ].join('\n');
    const resultsDir = join(root, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'stream-processor.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(resultsDir, 'stream-processor.md'), markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    await pool.end();
    await database.drop();
    await admin.deleteTopics({ topics: [topics.anomaly, ...topics.other] }).catch(() => undefined);
    await admin.disconnect();
  }
}

await main();
