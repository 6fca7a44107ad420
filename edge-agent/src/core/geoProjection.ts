import type { ImagePoint } from './zones.js';

// Mean Earth radius (IUGG); at street scale a local tangent plane is exact to millimetres.
const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

export interface GeoPosition {
  readonly lat: number;
  readonly lon: number;
  readonly accuracyM: number;
}

export interface CameraPose {
  readonly lat: number;
  readonly lon: number;
  /** Direction of the optical axis, degrees clockwise from true north. */
  readonly headingDeg: number;
  /** Downward tilt of the optical axis below the horizon, degrees. */
  readonly pitchDeg: number;
  /** Height of the lens above the ground, metres. */
  readonly heightM: number;
  readonly horizontalFovDeg: number;
  readonly verticalFovDeg: number;
  /** Uncertainty of the camera's own surveyed position, metres. */
  readonly positionAccuracyM: number;
  /** Beyond this range a ground projection is too flat to trust; the camera position is used instead. */
  readonly maxRangeM: number;
}

export interface GeoControlPoint {
  readonly image: ImagePoint;
  readonly lat: number;
  readonly lon: number;
}

export interface HomographyCalibration {
  /** Four image points (normalised) and where they lie on the ground. */
  readonly points: readonly GeoControlPoint[];
  /** Residual error of the surveyed control points, metres. */
  readonly accuracyM: number;
}

/** Offsets in metres (east, north) of a point from an origin, on the local tangent plane. */
export function toLocalMetres(origin: { lat: number; lon: number }, point: { lat: number; lon: number }): [number, number] {
  return [(point.lon - origin.lon) * DEG * EARTH_RADIUS_M * Math.cos(origin.lat * DEG), (point.lat - origin.lat) * DEG * EARTH_RADIUS_M];
}

export function fromLocalMetres(origin: { lat: number; lon: number }, east: number, north: number): { lat: number; lon: number } {
  return {
    lat: origin.lat + north / EARTH_RADIUS_M / DEG,
    lon: origin.lon + east / (EARTH_RADIUS_M * Math.cos(origin.lat * DEG)) / DEG,
  };
}

/**
 * Where the ray through an image point meets flat ground, as (east, north) metres from the
 * camera, or undefined when it points at or above the horizon. Pinhole model: forward F tilted
 * down by the pitch, image right R, image down D; the ray F + x R + y D descends by
 * sin(p) + y cos(p) per unit forward, and the lens is heightM above the ground.
 */
export function groundOffset(pose: CameraPose, point: ImagePoint): [number, number] | undefined {
  const x = (point[0] - 0.5) * 2 * Math.tan((pose.horizontalFovDeg / 2) * DEG);
  const y = (point[1] - 0.5) * 2 * Math.tan((pose.verticalFovDeg / 2) * DEG);
  const pitch = pose.pitchDeg * DEG;
  const descent = Math.sin(pitch) + y * Math.cos(pitch);
  if (descent <= 1e-9) return undefined;
  const t = pose.heightM / descent;
  const ahead = t * (Math.cos(pitch) - y * Math.sin(pitch));
  const right = t * x;
  const heading = pose.headingDeg * DEG;
  return [ahead * Math.sin(heading) + right * Math.cos(heading), ahead * Math.cos(heading) - right * Math.sin(heading)];
}

// A box's bottom edge is found to within about one percent of the frame height; the accuracy
// grows with how far the ground moves for that much image error (far points move a lot).
const IMAGE_ERROR = 0.01;

export function projectWithPose(pose: CameraPose, point: ImagePoint): GeoPosition {
  const cameraOnly = { lat: pose.lat, lon: pose.lon, accuracyM: Math.min(10_000, Math.max(pose.maxRangeM, pose.positionAccuracyM)) };
  const ground = groundOffset(pose, point);
  if (!ground || Math.hypot(ground[0], ground[1]) > pose.maxRangeM) return cameraOnly;
  const nudged = groundOffset(pose, [point[0], Math.max(0, point[1] - IMAGE_ERROR)]);
  const spread = nudged ? Math.hypot(nudged[0] - ground[0], nudged[1] - ground[1]) : pose.maxRangeM;
  const { lat, lon } = fromLocalMetres(pose, ground[0], ground[1]);
  return { lat, lon, accuracyM: Math.min(10_000, pose.positionAccuracyM + spread) };
}

export type Homography = readonly number[];

/** The 3×3 projective map (h33 = 1) taking four source points to four target points (DLT, Gaussian elimination). */
export function solveHomography(source: readonly ImagePoint[], target: readonly (readonly [number, number])[]): Homography {
  if (source.length !== 4 || target.length !== 4) throw new RangeError('a homography needs exactly four point pairs');
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = source[i] as ImagePoint;
    const [u, v] = target[i] as [number, number];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs((rows[r] as number[])[col] as number) > Math.abs((rows[pivot] as number[])[col] as number)) pivot = r;
    if (Math.abs((rows[pivot] as number[])[col] as number) < 1e-12) throw new RangeError('the four points are degenerate (three of them on a line)');
    [rows[col], rows[pivot]] = [rows[pivot] as number[], rows[col] as number[]];
    const pivotRow = rows[col] as number[];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = rows[r] as number[];
      const factor = (row[col] as number) / (pivotRow[col] as number);
      for (let c = col; c < 9; c++) row[c] = (row[c] as number) - factor * (pivotRow[c] as number);
    }
  }
  return [...rows.map((row, i) => (row[8] as number) / (row[i] as number)), 1];
}

export function applyHomography(h: Homography, point: ImagePoint): [number, number] | undefined {
  const [x, y] = point;
  const w = (h[6] as number) * x + (h[7] as number) * y + (h[8] as number);
  if (Math.abs(w) < 1e-12) return undefined;
  return [((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w, ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w];
}

export interface HomographyProjector {
  project(point: ImagePoint): GeoPosition | undefined;
}

// Solving with h33 = 1 fails when the horizon passes through the image origin; a street camera's
// horizon often runs along the top row, rarely through the centre, so the image is centred first.
const centred = (point: ImagePoint): ImagePoint => [point[0] - 0.5, point[1] - 0.5];

export function createHomographyProjector(calibration: HomographyCalibration): HomographyProjector {
  const origin = calibration.points[0] as GeoControlPoint;
  const h = solveHomography(
    calibration.points.map((p) => centred(p.image)),
    calibration.points.map((p) => toLocalMetres(origin, p)),
  );
  return {
    project(point) {
      const ground = applyHomography(h, centred(point));
      if (!ground) return undefined;
      const nudged = applyHomography(h, centred([point[0], point[1] - IMAGE_ERROR]));
      const spread = nudged ? Math.hypot(nudged[0] - ground[0], nudged[1] - ground[1]) : 0;
      const { lat, lon } = fromLocalMetres(origin, ground[0], ground[1]);
      return { lat, lon, accuracyM: Math.min(10_000, calibration.accuracyM + spread) };
    },
  };
}
