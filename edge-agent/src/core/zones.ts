/** A point in normalised image coordinates (0..1, origin top left). */
export type ImagePoint = readonly [number, number];
/** [x, y, w, h] normalised to the frame. */
export type Box = readonly [number, number, number, number];

export interface ClassThreshold {
  /** Detections below this score are ignored for the class. */
  readonly minScore: number;
  /** Box area as a fraction of the frame; smaller boxes are ignored (far-away noise). */
  readonly minArea: number;
}

export interface DetectionFilter {
  /** Polygons in normalised image coordinates; empty means the whole frame counts. */
  readonly zones: readonly (readonly ImagePoint[])[];
  /** Only classes listed here are kept. */
  readonly classes: Readonly<Record<string, ClassThreshold>>;
}

export interface ScoredBox {
  readonly className: string;
  readonly score: number;
  readonly box: Box;
}

/** The ground contact point of an upright object: the middle of the box's bottom edge. */
export function bottomCentre(box: Box): ImagePoint {
  return [box[0] + box[2] / 2, box[1] + box[3]];
}

/** Even-odd ray casting; a point on an edge may fall either way, which does not matter at pixel scale. */
export function pointInPolygon(point: ImagePoint, polygon: readonly ImagePoint[]): boolean {
  const [px, py] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as ImagePoint;
    const [xj, yj] = polygon[j] as ImagePoint;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function filterDetections<T extends ScoredBox>(detections: readonly T[], filter: DetectionFilter): T[] {
  return detections.filter((detection) => {
    const threshold = filter.classes[detection.className];
    if (!threshold) return false;
    if (detection.score < threshold.minScore) return false;
    if (detection.box[2] * detection.box[3] < threshold.minArea) return false;
    if (filter.zones.length === 0) return true;
    const foot = bottomCentre(detection.box);
    return filter.zones.some((zone) => pointInPolygon(foot, zone));
  });
}
