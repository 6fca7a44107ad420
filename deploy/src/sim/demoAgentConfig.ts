import type { DemoSceneManifest, DemoStreet } from './demoStreet.js';

export interface DemoAgentPaths {
  modelPath: string;
  /** One folder per camera, named after it, holding the frame it replays. */
  framesDir: (cameraId: string) => string;
  passwordFile: string;
  bufferPath: string;
}

export interface DemoAgentOptions {
  brokerUrl: string;
  opsPort: number;
  /** Frames per second each camera replays; five cameras at 1 fps keep one core well under half busy. */
  fps?: number;
  /** How long a confirmed object must be unseen before the agent reports it `cleared`. */
  clearAfterMs?: number;
  logLevel?: string;
}

// A bin on the street filling up: full for half an hour (a ticket), then emptied for ten minutes.
const BIN_READINGS = [70, 85, ...Array<number>(180).fill(95), ...Array<number>(60).fill(25)];
const BIN_READING_EVERY_MS = 10_000;

/** The edge agent's config file (edge-agent/README.md) for the demo street: folder cameras with poses, a simulated bin sensor. */
export function demoAgentConfig(street: DemoStreet, manifest: DemoSceneManifest, paths: DemoAgentPaths, options: DemoAgentOptions): Record<string, unknown> {
  return {
    gatewayId: street.gatewayId,
    logLevel: options.logLevel ?? 'info',
    model: { path: paths.modelPath, threads: 1 },
    // The model card's operating thresholds: the curated frames were chosen at exactly these.
    classes: Object.fromEntries(Object.entries(manifest.thresholds).map(([kind, minScore]) => [kind, { minScore, minArea: manifest.minArea[kind as keyof typeof manifest.minArea] }])),
    tracking: { confirmHits: 3, confirmWindow: 5, confirmMedianScore: 0.45, clearAfterMs: options.clearAfterMs ?? 20_000, stillPresentEveryMs: 300_000 },
    cameras: street.cameras.map((camera) => ({
      id: camera.id,
      source: { type: 'folder', dir: paths.framesDir(camera.id), fps: options.fps ?? 1, loop: true },
      location: { lat: camera.pose.lat, lon: camera.pose.lon, accuracyM: camera.pose.positionAccuracyM },
      pose: camera.pose,
    })),
    sensors: street.sensors.map((sensor) => ({
      id: sensor.id,
      location: { ...sensor.location, accuracyM: 2 },
      driver: { type: 'simulated', metric: 'fill_pct', unit: '%', values: BIN_READINGS, intervalMs: BIN_READING_EVERY_MS },
      rules: [{ metric: 'fill_pct', kind: 'bin_full', raiseAbove: 90, holdMs: 10_000, clearBelow: 60, clearHoldMs: 10_000, unit: '%' }],
    })),
    broker: { url: options.brokerUrl, username: street.gatewayId, passwordFile: paths.passwordFile, maxPublishPerSecond: 20 },
    buffer: { path: paths.bufferPath },
    ops: { host: '127.0.0.1', port: options.opsPort },
    statusEveryMs: 30_000,
  };
}
