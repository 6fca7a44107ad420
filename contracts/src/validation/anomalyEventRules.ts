import { SNAPSHOT_MAX_BYTES, type AnomalyEvent } from '../schemas/anomalyEvent.js';
import type { FieldError } from '../schemas/dlqRecord.js';

// Detectors round their normalised boxes; a box may poke out of the frame by float noise only.
const BBOX_EPSILON = 1e-6;

/** What JSON Schema cannot say about an AnomalyEvent. */
export function anomalyEventRules(event: AnomalyEvent): FieldError[] {
  const errors: FieldError[] = [];
  if (event.bbox) {
    const [x, y, w, h] = event.bbox;
    if (x + w > 1 + BBOX_EPSILON) errors.push({ field: 'bbox', reason: `x + w is ${x + w}; the box must lie inside the image (≤ 1)` });
    if (y + h > 1 + BBOX_EPSILON) errors.push({ field: 'bbox', reason: `y + h is ${y + h}; the box must lie inside the image (≤ 1)` });
  }
  if (event.snapshot) {
    const padding = event.snapshot.endsWith('==') ? 2 : event.snapshot.endsWith('=') ? 1 : 0;
    const bytes = (event.snapshot.length / 4) * 3 - padding;
    if (bytes > SNAPSHOT_MAX_BYTES) errors.push({ field: 'snapshot', reason: `is ${bytes} bytes decoded; at most ${SNAPSHOT_MAX_BYTES}` });
  }
  return errors;
}
