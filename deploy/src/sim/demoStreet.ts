import type { GeoPoint } from '@gridsight/contracts';
import type { GridCellSeed } from '../seed/district.js';

/** What deploy/demo/scenes.json says about one curated frame (see deploy/demo/curate.mjs). */
export interface DemoScene {
  file: string;
  seed: number;
  role: 'problem' | 'clear';
  kind?: 'garbage_pile' | 'manhole_open';
  size: [number, number];
  /** The generator's camera for this frame, so the agent's pose matches what the frame shows. */
  camera: { heightM: number; pitchDeg: number; yawDeg: number; horizontalFovDeg: number; verticalFovDeg: number };
  score?: number;
  box?: [number, number, number, number];
  /** Where the detected box's bottom centre lies on the ground, from the camera. */
  foot?: { aheadM: number; rightM: number };
}

export interface DemoSceneManifest {
  thresholds: Record<'garbage_pile' | 'manhole_open', number>;
  minArea: Record<'garbage_pile' | 'manhole_open', number>;
  scenes: DemoScene[];
}

export interface CameraPose {
  lat: number;
  lon: number;
  headingDeg: number;
  pitchDeg: number;
  heightM: number;
  horizontalFovDeg: number;
  verticalFovDeg: number;
  positionAccuracyM: number;
  maxRangeM: number;
}

export interface DemoCamera {
  id: string;
  pose: CameraPose;
  /** The frame it replays while its problem is on the street, and once it is gone. */
  problemScene: DemoScene;
  clearScene: DemoScene;
}

/** One real-world problem on the demo street: what it is, where, and which cameras see it. */
export interface DemoProblem {
  id: string;
  kind: 'garbage_pile' | 'manhole_open';
  location: GeoPoint;
  cameraIds: string[];
  /** Staggered so that tickets arrive one after another rather than all at once. */
  appearAfterMs: number;
}

export interface DemoSensor {
  id: string;
  location: GeoPoint;
}

export interface DemoStreet {
  gatewayId: string;
  cellId: string;
  cameras: DemoCamera[];
  problems: DemoProblem[];
  sensors: DemoSensor[];
}

const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

export function offsetMetres(origin: GeoPoint, east: number, north: number): GeoPoint {
  return {
    lat: origin.lat + north / EARTH_RADIUS_M / DEG,
    lon: origin.lon + east / (EARTH_RADIUS_M * Math.cos(origin.lat * DEG)) / DEG,
  };
}

export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
  const north = (b.lat - a.lat) * DEG * EARTH_RADIUS_M;
  const east = (b.lon - a.lon) * DEG * EARTH_RADIUS_M * Math.cos(a.lat * DEG);
  return Math.hypot(east, north);
}

/**
 * The pose that puts a camera where it sees the scene's object at `target`: the frame's own
 * geometry (height, tilt, field of view), looking along `headingDeg`, standing back from the
 * target by where the object's foot point lies in the frame.
 */
export function placeCamera(scene: DemoScene, target: GeoPoint, headingDeg: number): CameraPose {
  if (!scene.foot) throw new RangeError(`${scene.file} has no located object to aim at`);
  const heading = headingDeg * DEG;
  const { aheadM, rightM } = scene.foot;
  const east = aheadM * Math.sin(heading) + rightM * Math.cos(heading);
  const north = aheadM * Math.cos(heading) - rightM * Math.sin(heading);
  const position = offsetMetres(target, -east, -north);
  return {
    lat: position.lat,
    lon: position.lon,
    headingDeg,
    pitchDeg: scene.camera.pitchDeg,
    heightM: scene.camera.heightM,
    horizontalFovDeg: scene.camera.horizontalFovDeg,
    verticalFovDeg: scene.camera.verticalFovDeg,
    positionAccuracyM: 1,
    maxRangeM: 60,
  };
}

interface Placement {
  camera: string;
  kind: 'garbage_pile' | 'manhole_open';
  headingDeg: number;
}

// Metres east and north of the cell's centre; the first problem is one pile that three cameras on
// both sides of the street see, so dedupe has something to do.
const PLAN: { id: string; east: number; north: number; appearAfterMs: number; seenBy: Placement[] }[] = [
  {
    id: 'pile-riverside',
    east: 60,
    north: 40,
    appearAfterMs: 0,
    seenBy: [
      { camera: 'cam-1', kind: 'garbage_pile', headingDeg: 45 },
      { camera: 'cam-2', kind: 'garbage_pile', headingDeg: 250 },
      { camera: 'cam-5', kind: 'garbage_pile', headingDeg: 160 },
    ],
  },
  { id: 'manhole-school', east: -80, north: -50, appearAfterMs: 15_000, seenBy: [{ camera: 'cam-3', kind: 'manhole_open', headingDeg: 135 }] },
  { id: 'pile-market', east: -60, north: 90, appearAfterMs: 30_000, seenBy: [{ camera: 'cam-4', kind: 'garbage_pile', headingDeg: 0 }] },
];

/**
 * The demo gateway's street: five cameras and a bin sensor in one cell of the district, each camera
 * with a curated problem frame and clear frame, posed so that its detection lands where the
 * problem is. The cameras on one problem each show it in a frame of their own; there are fewer
 * curated pile frames than pile cameras, so a frame comes round again on another problem.
 */
export function buildDemoStreet(cell: GridCellSeed, manifest: DemoSceneManifest, gatewayId: string): DemoStreet {
  const centre = { lat: (cell.minLat + cell.maxLat) / 2, lon: (cell.minLon + cell.maxLon) / 2 };
  const problemScenes = (kind: string) => manifest.scenes.filter((s) => s.role === 'problem' && s.kind === kind);
  const used = { garbage_pile: 0, manhole_open: 0 };
  const clear = manifest.scenes.filter((s) => s.role === 'clear');
  const cameras: DemoCamera[] = [];
  const problems: DemoProblem[] = PLAN.map((plan) => {
    const location = offsetMetres(centre, plan.east, plan.north);
    for (const placement of plan.seenBy) {
      const scenes = problemScenes(placement.kind);
      if (plan.seenBy.length > scenes.length) throw new RangeError(`deploy/demo/scenes.json has too few ${placement.kind} scenes for the ${plan.seenBy.length} cameras on ${plan.id}`);
      const scene = scenes[used[placement.kind]++ % Math.max(1, scenes.length)];
      const clearScene = clear[cameras.length % Math.max(1, clear.length)];
      if (!scene || !clearScene) throw new RangeError(`deploy/demo/scenes.json has too few ${scene ? 'clear' : placement.kind} scenes for the demo street`);
      cameras.push({ id: placement.camera, pose: placeCamera(scene, location, placement.headingDeg), problemScene: scene, clearScene });
    }
    return { id: plan.id, kind: plan.seenBy[0]!.kind, location, cameraIds: plan.seenBy.map((p) => p.camera), appearAfterMs: plan.appearAfterMs };
  });
  return { gatewayId, cellId: cell.cellId, cameras, problems, sensors: [{ id: 'bin-1', location: offsetMetres(centre, 100, -80) }] };
}
