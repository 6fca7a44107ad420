import type { AnomalyEvent, AnomalyKind, GeoLocation, GeoPoint, Source } from '@gridsight/contracts';
import { v7 as uuidV7 } from 'uuid';
import type { Random } from '../seed/random.js';

/** One real-world problem the simulation stages: where, what, and which devices see it. */
export interface Problem {
  kind: AnomalyKind;
  location: GeoPoint;
  /** Every device that reports it; cameras on the same pole see the same pile. */
  seenBy: Source[];
}

/** How one device follows one problem: its own track id and its own small position error. */
export interface Track {
  kind: AnomalyKind;
  source: Source;
  trackId: string;
  location: GeoLocation;
  bbox: [number, number, number, number];
}

const MODEL = { name: 'gridsight-street', version: 'sim', sha256: '0'.repeat(64) };
const METRES_PER_DEGREE = 111_320;

export function tracksFor(problem: Problem, random: Random): Track[] {
  return problem.seenBy.map((source, index) => {
    const errorM = source.type === 'sensor' ? 0.5 : 3;
    const metresPerLonDegree = METRES_PER_DEGREE * Math.cos((problem.location.lat * Math.PI) / 180);
    return {
      kind: problem.kind,
      source,
      trackId: `${source.deviceId}-${index}-${random.int(1, 99_999)}`,
      location: {
        lat: problem.location.lat + ((random.next() - 0.5) * 2 * errorM) / METRES_PER_DEGREE,
        lon: problem.location.lon + ((random.next() - 0.5) * 2 * errorM) / metresPerLonDegree,
        accuracyM: source.type === 'sensor' ? 1 : 4,
      },
      bbox: [random.between(0.2, 0.6), random.between(0.4, 0.7), 0.15, 0.12],
    };
  });
}

/** The AnomalyEvent an edge agent publishes for a track: `detected` on confirmation, `updated` while present, `cleared` once gone. */
export function sighting(track: Track, type: AnomalyEvent['type'], atMs: number, random: Random): AnomalyEvent {
  const event: AnomalyEvent = {
    schema: 'anomaly/v1',
    eventId: uuidV7({ msecs: atMs, random: random.bytes(16) }),
    type,
    kind: track.kind,
    source: track.source,
    observedAt: new Date(atMs).toISOString(),
    confidence: track.source.type === 'sensor' ? 1 : Math.round(random.between(0.6, 0.95) * 100) / 100,
    location: track.location,
  };
  if (track.source.type === 'camera') Object.assign(event, { bbox: track.bbox, trackId: track.trackId, model: MODEL });
  if (track.source.type === 'sensor') {
    Object.assign(event, { measurement: track.kind === 'bin_full' ? { metric: 'fill_pct', value: 96, unit: '%' } : { metric: 'tilt_deg', value: 38, unit: 'deg' } });
  }
  return event;
}
