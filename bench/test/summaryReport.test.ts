import assert from 'node:assert/strict';
import { buildSummary, numberAt, summaryMarkdown, type SummaryInput } from '../summaryReport.js';

const startedAt = new Date('2026-11-28T15:00:00Z');
const during = new Date('2026-11-28T15:05:00Z');
const before = new Date('2026-11-28T09:00:00Z');

const broker = { at: '2026-11-28T15:04:00Z', broker: { perSecond: 3400, p99Ms: 176 }, mosquitto: { perSecond: 13400 }, ratio: 0.2537, target: 0.5 };
const processor = { processor: { eventsPerSecond: 16000 }, baselineCopy: { rowsPerSecond: 26000 }, ratioToCopy: 0.615, target: 0.5 };
const e2e = { load: { eventsPerSecondAchieved: 998 }, publishToTicketAssigned: { count: 228, of: 228, p50Ms: 120, p99Ms: 430 }, baselinePublishToPuback: { p99Ms: 90 }, targetP99Ms: 500, p99RatioToBaseline: 4.78 };

function input(overrides: Partial<SummaryInput> = {}): SummaryInput {
  return {
    startedAt,
    finishedAt: new Date('2026-11-28T15:20:00Z'),
    machine: { cpus: 2, node: 'v20.20.2' },
    outcomes: [
      { file: 'broker.bench.ts', exitCode: 0, seconds: 60 },
      { file: 'stream-processor.bench.ts', exitCode: 0, seconds: 40 },
      { file: 'e2e.bench.ts', exitCode: 0, seconds: 90 },
    ],
    results: { broker: { json: broker, modifiedAt: during }, 'stream-processor': { json: processor, modifiedAt: during }, e2e: { json: e2e, modifiedAt: during } },
    ...overrides,
  };
}

describe('benchmark summary', () => {
  it('puts each figure beside its baseline with the ratio, the target and whether it is met', () => {
    const summary = buildSummary(input());
    const row = (component: string) => summary.rows.find((r) => r.component === component)!;
    assert.deepEqual(row('broker'), {
      component: 'broker',
      measure: 'QoS 1 messages/s through to Kafka (acks=all)',
      figure: '3 400 msg/s, p99 176 ms',
      baseline: 'mosquitto QoS 1: 13 400 msg/s',
      ratio: 0.2537,
      target: '≥ 0.5×',
      met: false,
      source: 'broker.json',
      status: 'measured',
    });
    assert.equal(row('stream-processor').met, true);
    assert.equal(row('end to end').figure, 'p50 120 ms, p99 430 ms; 228 of 228 tickets');
    assert.equal(row('end to end').met, true);
    assert.deepEqual(summary.targets, { met: 2, notMet: 1, unknown: 0 });
  });

  it('does not call a target met when tickets are missing, however fast the rest were', () => {
    const partial = { ...e2e, publishToTicketAssigned: { ...e2e.publishToTicketAssigned, count: 200 } };
    const summary = buildSummary(input({ results: { ...input().results, e2e: { json: partial, modifiedAt: during } } }));
    assert.equal(summary.rows.find((r) => r.component === 'end to end')!.met, false);
  });

  it('marks a failed benchmark and shows the older figures it left with their date, never as this run\'s', () => {
    const summary = buildSummary(
      input({
        outcomes: [{ file: 'broker.bench.ts', exitCode: 1, seconds: 12 }],
        results: { broker: { json: broker, modifiedAt: before } },
      }),
    );
    const row = summary.rows.find((r) => r.component === 'broker')!;
    assert.equal(row.status, 'failed');
    assert.equal(row.measuredAt, '2026-11-28T15:04:00Z');
    assert.deepEqual(summary.benchmarks, [{ file: 'broker.bench.ts', exitCode: 1, seconds: 12, result: 'broker.json', status: 'failed' }]);
    const markdown = summaryMarkdown(summary);
    assert.match(markdown, /benchmark failed in this run; figures from 2026-11-28 15:04 UTC/);
    assert.match(markdown, /\| broker\.bench\.ts \| \*\*failed\*\* \(exit 1\) \| 12 s \| broker\.md \|/);
  });

  it('treats a benchmark that exited 0 without writing its file as failed', () => {
    const summary = buildSummary(input({ results: { ...input().results, broker: { json: broker, modifiedAt: before } } }));
    assert.equal(summary.rows.find((r) => r.component === 'broker')!.status, 'failed');
  });

  it('keeps going past a missing, unparsable or reshaped result, saying which', () => {
    const summary = buildSummary(
      input({
        outcomes: [...input().outcomes, { file: 'dispatch.bench.ts', exitCode: 0, seconds: 30 }, { file: 'new-thing.bench.ts', exitCode: 0, seconds: 5 }],
        results: {
          broker: { json: undefined, modifiedAt: during },
          'stream-processor': { json: { processor: { eventsPerSecond: 'fast' } }, modifiedAt: during },
          'new-thing': { json: { x: 1 }, modifiedAt: during },
        },
      }),
    );
    const statuses = Object.fromEntries(summary.rows.map((r) => [`${r.component}: ${r.measure}`, r.status]));
    assert.equal(statuses['broker: QoS 1 messages/s through to Kafka (acks=all)'], 'unreadable');
    assert.equal(statuses['stream-processor: events/s from Kafka to committed rows (dedupe, incidents, outbox)'], 'unreadable');
    assert.equal(statuses['dispatch: dispatch benchmark'], 'missing');
    assert.equal(statuses['new-thing: no summary rule for this benchmark: see its own report'], 'measured');
    assert.equal(summary.rows.find((r) => r.component === 'broker')!.met, undefined);
    assert.doesNotThrow(() => summaryMarkdown(summary));
  });

  it('adds the latest soak run beside the benchmarks when there is one', () => {
    const soak = {
      at: '2026-11-28T14:40:00Z',
      ok: true,
      loadSeconds: 1800,
      options: { rate: 50, maxSlopeMbPerHour: 30 },
      services: { broker: { rssSlopeMbPerHour: 3.2 }, 'stream-processor': { rssSlopeMbPerHour: -1 } },
      delivery: { acknowledged: 90000, lost: 0, duplicated: 0 },
    };
    const summary = buildSummary(input({ soak: { json: soak, modifiedAt: before } }));
    assert.equal(summary.soak?.maxRssSlopeMbPerHour, 3.2);
    assert.match(summaryMarkdown(summary), /Latest soak run .*: passed; 30 min at 50 events\/s, steepest service RSS slope \+3\.2 MB\/h \(bound 30\), 90000 events acknowledged, 0 lost, 0 duplicated/);
    assert.equal(buildSummary(input({ soak: { json: { at: 'x' }, modifiedAt: before } })).soak, undefined);
  });

  it('reads numbers only where they are finite numbers', () => {
    assert.equal(numberAt({ a: { b: 2 } }, 'a.b'), 2);
    assert.equal(numberAt({ a: { b: '2' } }, 'a.b'), undefined);
    assert.equal(numberAt({ a: null }, 'a.b'), undefined);
    assert.equal(numberAt(undefined, 'a'), undefined);
  });
});
