import assert from 'node:assert/strict';
import type { MemorySample } from '../../src/soak/memorySamples.js';
import type { SoakOptions } from '../../src/soak/soakOptions.js';
import { buildSoakReport, soakMarkdown, type DeliveryCounts, type SoakResult } from '../../src/soak/soakReport.js';

const MB = 1024 * 1024;
const options: SoakOptions = { durationS: 3600, rate: 50, gateways: 12, sampleEveryS: 60, warmupS: 300, maxSlopeMbPerHour: 30, newProblemEveryS: 30, outDir: '/tmp/out' };
const clean: DeliveryCounts = { published: 180_000, acknowledged: 180_000, publishFailures: 0, storedRows: 180_000, storedDistinct: 180_000, lost: 0, problems: 144, incidents: 144, tickets: 144, ticketsPerIncidentMax: 1 };

/** One sample a minute for an hour, growing `mbPerHour` after a jump in the first five minutes. */
function samples(service: string, mbPerHour: number): MemorySample[] {
  return Array.from({ length: 61 }, (_, minute) => ({
    service,
    atS: minute * 60,
    rssBytes: (minute < 5 ? 100 + minute * 10 : 150 + (mbPerHour * minute) / 60) * MB,
    heapUsedBytes: 40 * MB,
  }));
}

function result(overrides: Partial<SoakResult> = {}): SoakResult {
  return {
    options,
    at: new Date('2026-11-28T15:00:00Z'),
    machine: { cpus: 2, node: 'v20.20.2' },
    loadSeconds: 3600,
    samples: [...samples('broker', 2), ...samples('stream-processor', 0)],
    delivery: clean,
    unexpectedExits: [],
    ...overrides,
  };
}

describe('soak report', () => {
  it('passes flat memory and a clean count, with per-service figures', () => {
    const report = buildSoakReport(result());
    assert.deepEqual(report.failures, []);
    assert.equal(report.ok, true);
    assert.deepEqual(report.services.broker!.rssMb, { first: 100, last: 152, max: 152 });
    assert.equal(report.services.broker!.rssSlopeMbPerHour, 2);
    assert.equal(report.services['stream-processor']!.rssSlopeMbPerHour, 0);
    assert.equal(report.delivery.duplicated, 0);
    assert.equal(report.achievedRate, 50);
    assert.equal('outDir' in report.options, false);
  });

  it('fails a service whose memory keeps growing past the bound, naming it and the figure', () => {
    const report = buildSoakReport(result({ samples: [...samples('broker', 2), ...samples('dispatch-service', 45)] }));
    assert.equal(report.ok, false);
    assert.equal(report.services['dispatch-service']!.withinBound, false);
    assert.deepEqual(report.failures, ['dispatch-service: RSS grows 45 MB/h after the warm-up, over the bound of 30 MB/h']);
  });

  it('fails on anything lost, doubled or miscounted, one reason each', () => {
    const report = buildSoakReport(
      result({ delivery: { ...clean, storedRows: 180_002, lost: 3, incidents: 145, tickets: 146, ticketsPerIncidentMax: 2 }, unexpectedExits: ['broker exited with code 1'] }),
    );
    assert.equal(report.delivery.duplicated, 2);
    assert.deepEqual(report.failures, [
      '3 acknowledged events are not stored',
      '2 events are stored more than once',
      '145 incidents for 144 real-world problems',
      '146 tickets for 145 incidents',
      'an incident has 2 tickets',
      'exited during the run: broker exited with code 1',
    ]);
  });

  it('fails a run that measured nothing rather than passing it', () => {
    const report = buildSoakReport(result({ samples: [], delivery: { ...clean, published: 0, acknowledged: 0, storedRows: 0, storedDistinct: 0, problems: 0, incidents: 0, tickets: 0, ticketsPerIncidentMax: 0 } }));
    assert.deepEqual(report.failures, ['no memory samples at all', 'no event was acknowledged: the load never reached the pipeline']);
  });

  it('renders a markdown table per service and the delivery counts, with the failures listed', () => {
    const markdown = soakMarkdown(buildSoakReport(result({ samples: samples('broker', 45) })));
    assert.match(markdown, /^# Soak run: FAILED/);
    assert.match(markdown, /\| broker \| 61 \| 100\.0 \/ 195\.0 \/ 195\.0 \| \+45\.0 \| 40\.0 \/ 40\.0 \/ 40\.0 \| 0\.0 \| \*\*no\*\* \|/);
    assert.match(markdown, /\| lost \(acknowledged, not stored\) \| 0 \|/);
    assert.match(markdown, /## Failures\n\n- broker: RSS grows 45 MB\/h/);
  });
});
