import { boxIou } from './boxIou.js';
import type { Box, ScoredBox } from './zones.js';

export interface TrackerParams {
  /** A detection continues a track of its class when their boxes overlap at least this much. */
  readonly matchIou: number;
  /** Confirmed when seen in at least N of the last M frames … */
  readonly confirmHits: number;
  readonly confirmWindow: number;
  /** … and the median score of those sightings reaches this. */
  readonly confirmMedianScore: number;
  /** A confirmed track not seen for this long is `cleared`. */
  readonly clearAfterMs: number;
  /** A confirmed track that stays put is re-announced (`updated`) this often. */
  readonly stillPresentEveryMs: number;
  /** A confirmed track whose box overlaps its last announced box less than this has changed: `updated` at once. */
  readonly changedBelowIou: number;
}

export interface Track {
  readonly id: string;
  readonly className: string;
  readonly box: Box;
  /** Hit (true) or miss per frame, newest last, at most `confirmWindow` long. */
  readonly hits: readonly boolean[];
  /** Scores of the hits in the window, newest last. */
  readonly scores: readonly number[];
  readonly confirmed: boolean;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly lastAnnouncedMs: number;
  readonly lastAnnouncedBox: Box;
}

export interface TrackerState {
  readonly tracks: readonly Track[];
  readonly nextId: number;
}

export type TrackEventType = 'detected' | 'updated' | 'cleared';

export interface TrackEvent {
  readonly type: TrackEventType;
  readonly track: Track;
  /** Median score over the confirmation window. */
  readonly confidence: number;
}

export const EMPTY_TRACKER: TrackerState = { tracks: [], nextId: 1 };

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * One frame through the tracker: greedy IoU matching per class, then the confirmation,
 * still-present and clearing rules. Pure: the caller keeps the returned state.
 */
export function stepTracker(
  state: TrackerState,
  detections: readonly ScoredBox[],
  nowMs: number,
  params: TrackerParams,
  idPrefix: string,
): { state: TrackerState; events: TrackEvent[] } {
  const pairs: Array<{ track: number; detection: number; iou: number }> = [];
  state.tracks.forEach((track, t) => {
    detections.forEach((detection, d) => {
      if (detection.className !== track.className) return;
      const iou = boxIou(track.box, detection.box);
      if (iou >= params.matchIou) pairs.push({ track: t, detection: d, iou });
    });
  });
  pairs.sort((a, b) => b.iou - a.iou);
  const trackMatch = new Map<number, number>();
  const usedDetections = new Set<number>();
  for (const pair of pairs) {
    if (trackMatch.has(pair.track) || usedDetections.has(pair.detection)) continue;
    trackMatch.set(pair.track, pair.detection);
    usedDetections.add(pair.detection);
  }

  const events: TrackEvent[] = [];
  const tracks: Track[] = [];
  const window = params.confirmWindow;
  const keepLast = <T>(values: readonly T[], value: T, limit: number): T[] => [...values, value].slice(-limit);

  state.tracks.forEach((track, t) => {
    const d = trackMatch.get(t);
    const detection = d === undefined ? undefined : detections[d];
    let next: Track;
    if (detection) {
      const hits = keepLast(track.hits, true, window);
      next = {
        ...track,
        box: detection.box,
        hits,
        scores: keepLast(track.scores, detection.score, hits.filter(Boolean).length),
        lastSeenMs: nowMs,
      };
    } else {
      const hits = keepLast(track.hits, false, window);
      next = { ...track, hits, scores: track.scores.slice(-hits.filter(Boolean).length || track.scores.length) };
      if (!track.confirmed) {
        if (!hits.some(Boolean)) return;
        tracks.push(next);
        return;
      }
      if (nowMs - track.lastSeenMs >= params.clearAfterMs) {
        events.push({ type: 'cleared', track: next, confidence: median(track.scores) });
        return;
      }
      tracks.push(next);
      return;
    }
    const confidence = median(next.scores);
    if (!next.confirmed) {
      const hitCount = next.hits.filter(Boolean).length;
      if (hitCount >= params.confirmHits && confidence >= params.confirmMedianScore) {
        next = { ...next, confirmed: true, lastAnnouncedMs: nowMs, lastAnnouncedBox: next.box };
        events.push({ type: 'detected', track: next, confidence });
      }
    } else if (boxIou(next.box, next.lastAnnouncedBox) < params.changedBelowIou || nowMs - next.lastAnnouncedMs >= params.stillPresentEveryMs) {
      next = { ...next, lastAnnouncedMs: nowMs, lastAnnouncedBox: next.box };
      events.push({ type: 'updated', track: next, confidence });
    }
    tracks.push(next);
  });

  let nextId = state.nextId;
  detections.forEach((detection, d) => {
    if (usedDetections.has(d)) return;
    const track: Track = {
      id: `${idPrefix}${nextId++}`,
      className: detection.className,
      box: detection.box,
      hits: [true],
      scores: [detection.score],
      confirmed: false,
      firstSeenMs: nowMs,
      lastSeenMs: nowMs,
      lastAnnouncedMs: nowMs,
      lastAnnouncedBox: detection.box,
    };
    if (params.confirmHits <= 1 && detection.score >= params.confirmMedianScore) {
      const confirmed = { ...track, confirmed: true };
      events.push({ type: 'detected', track: confirmed, confidence: detection.score });
      tracks.push(confirmed);
    } else {
      tracks.push(track);
    }
  });
  return { state: { tracks, nextId }, events };
}
