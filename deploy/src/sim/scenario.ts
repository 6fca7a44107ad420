import { type AnomalyEvent, type AnomalyKind, type GeoPoint, type Source } from '@gridsight/contracts';
import { v7 as uuidV7 } from 'uuid';
import type { Random } from '../seed/random.js';

/** One real-world problem the simulation stages: where, what, which devices see it, and when it is fixed. */
export interface Problem {
  kind: AnomalyKind;
  location: GeoPoint;
  /** Every device that reports it; cameras on the same pole see the same pile. */
  seenBy: Source[];
  appearsAtMs: number;
  /** When it is gone (a worker fixed it), if within the run. */
  clearedAtMs?: number;
}

export interface TimedEvent {
  atMs: number;
  event: AnomalyEvent;
}

const MODEL = { name: 'gridsight-street', version: 'sim', sha256: '0'.repeat(64) };

/**
 * The AnomalyEvents an edge agent would publish for a problem: `detected` on confirmation,
 * a still-present `updated` every `updateEveryMs`, `cleared` once it is gone; each device on
 * its own track, with its own small position error.
 */
export function eventsFor(problem: Problem, random: Random, options: { updateEveryMs: number; endMs: number }): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (const [index, source] of problem.seenBy.entries()) {
    const trackId = `${source.deviceId}-${index}-${random.int(1, 9999)}`;
    const jitterM = source.type === 'sensor' ? 0.5 : 3;
    const location = {
      lat: problem.location.lat + ((random.next() - 0.5) * 2 * jitterM) / 111_320,
      lon: problem.location.lon + ((random.next() - 0.5) * 2 * jitterM) / (111_320 * Math.cos((problem.location.lat * Math.PI) / 180)),
      accuracyM: source.type === 'sensor' ? 1 : 4,
    };
    const event = (type: AnomalyEvent['type'], atMs: number): TimedEvent => {
      const base: AnomalyEvent = {
        schema: 'anomaly/v1',
        eventId: uuidV7({ msecs: atMs, random: random.bytes(16) }),
        type,
        kind: problem.kind,
        source,
        observedAt: new Date(atMs).toISOString(),
        confidence: source.type === 'sensor' ? 1 : Math.round(random.between(0.6, 0.95) * 100) / 100,
        location,
      };
      if (source.type === 'camera') {
        const x = random.between(0.2, 0.6);
        const y = random.between(0.4, 0.7);
        Object.assign(base, { bbox: [x, y, 0.15, 0.12], trackId, model: MODEL });
      }
      if (source.type === 'sensor') {
        Object.assign(base, { measurement: problem.kind === 'bin_full' ? { metric: 'fill_pct', value: 96, unit: '%' } : { metric: 'tilt_deg', value: 38, unit: 'deg' } });
      }
      return { atMs, event: base };
    };
    const first = problem.appearsAtMs + index * 1500;
    const until = Math.min(problem.clearedAtMs ?? options.endMs, options.endMs);
    events.push(event('detected', first));
    for (let at = first + options.updateEveryMs; at < until; at += options.updateEveryMs) events.push(event('updated', at));
    if (problem.clearedAtMs !== undefined && problem.clearedAtMs <= options.endMs) events.push(event('cleared', problem.clearedAtMs + index * 500));
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}
