import { setTimeout as sleep } from 'node:timers/promises';
import type { GeoPoint } from '@gridsight/contracts';
import type { GridCellSeed } from '../seed/district.js';
import type { Random } from '../seed/random.js';
import { sighting, tracksFor, type Track } from '../sim/scenario.js';
import type { SimulatedGateway } from '../sim/simulatedGateway.js';

export interface LoadGateway {
  gatewayId: string;
  cell: GridCellSeed;
  client: SimulatedGateway;
}

export interface LoadCounts {
  published: number;
  acknowledged: number;
  publishFailures: number;
  /** Real-world problems with at least one acknowledged sighting: each owes one incident. */
  problems: number;
}

export interface SteadyLoad {
  counts(): LoadCounts;
  /** Event ids the broker acknowledged: these must all be stored. */
  acknowledgedIds: ReadonlySet<string>;
  /** Stops publishing and waits up to `graceMs` for the publishes in flight; those still waiting then count as failed. */
  stop(graceMs: number): Promise<void>;
}

// Sites on a 7 x 7 grid inside each ~400 m cell: 50 m apart, beyond any merge radius of each other
// and off the cell's edges, so each site is one real-world problem and one incident.
const SITES_PER_SIDE = 7;
const INITIAL_PROBLEMS_PER_GATEWAY = 2;

export function problemSites(cell: GridCellSeed): GeoPoint[] {
  const sites: GeoPoint[] = [];
  for (let row = 1; row <= SITES_PER_SIDE; row++) {
    for (let col = 1; col <= SITES_PER_SIDE; col++) {
      sites.push({
        lat: cell.minLat + (row / (SITES_PER_SIDE + 1)) * (cell.maxLat - cell.minLat),
        lon: cell.minLon + (col / (SITES_PER_SIDE + 1)) * (cell.maxLon - cell.minLon),
      });
    }
  }
  return sites;
}

/**
 * The fault test's steady load, for as long as it runs: every gateway publishes sightings of the
 * problems it sees (two cameras each) at an even pace, and now and then a new problem appears at
 * a free site of some gateway's cell, so incidents and tickets keep being made.
 */
export function startSteadyLoad(options: { gateways: LoadGateway[]; ratePerSecond: number; newProblemEveryS: number; random: Random }): SteadyLoad {
  const { gateways, random } = options;
  const freeSites = new Map<string, GeoPoint[]>();
  for (const { cell } of gateways) if (!freeSites.has(cell.cellId)) freeSites.set(cell.cellId, problemSites(cell));
  const tracks = new Map<string, Track[]>(gateways.map((g) => [g.gatewayId, []]));
  const counts: LoadCounts = { published: 0, acknowledged: 0, publishFailures: 0, problems: 0 };
  // A problem counts once the broker has acknowledged a sighting of it: one staged just before the
  // load stops may never have been published, and then no incident is owed for it.
  const problemOfTrack = new Map<Track, number>();
  const sightedProblems = new Set<number>();
  let staged = 0;
  const acknowledgedIds = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let running = true;

  const addProblem = (gateway: LoadGateway): boolean => {
    const site = freeSites.get(gateway.cell.cellId)!.shift();
    if (!site) return false;
    const seenBy = ['cam-1', 'cam-2'].map((deviceId) => ({ type: 'camera' as const, gatewayId: gateway.gatewayId, deviceId }));
    const problem = staged++;
    const added = tracksFor({ kind: random.chance(0.2) ? 'manhole_open' : 'garbage_pile', location: site, seenBy }, random);
    for (const track of added) problemOfTrack.set(track, problem);
    tracks.get(gateway.gatewayId)!.push(...added);
    return true;
  };
  for (const gateway of gateways) for (let i = 0; i < INITIAL_PROBLEMS_PER_GATEWAY; i++) addProblem(gateway);

  let nextGateway = 0;
  const newProblems = setInterval(() => {
    // A full cell is skipped; once every cell is full the district simply has no room left.
    for (let tried = 0; tried < gateways.length; tried++) {
      const gateway = gateways[nextGateway++ % gateways.length]!;
      if (addProblem(gateway)) break;
    }
  }, options.newProblemEveryS * 1000);

  const intervalMs = (gateways.length / options.ratePerSecond) * 1000;
  const publishLoop = async (gateway: LoadGateway, offsetMs: number): Promise<void> => {
    const own = tracks.get(gateway.gatewayId)!;
    const seen = new Set<string>();
    const start = performance.now() + offsetMs;
    for (let n = 0; running; n++) {
      const wait = start + n * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (!running) break;
      const track = own[n % own.length]!;
      const event = sighting(track, seen.has(track.trackId) ? 'updated' : 'detected', Date.now(), random);
      seen.add(track.trackId);
      counts.published++;
      const publish = gateway.client.publish(event).then(
        () => {
          counts.acknowledged++;
          acknowledgedIds.add(event.eventId);
          sightedProblems.add(problemOfTrack.get(track)!);
        },
        () => {
          counts.publishFailures++;
        },
      );
      inFlight.add(publish);
      void publish.finally(() => inFlight.delete(publish));
    }
  };
  // Spread the gateways over one interval so that the broker sees an even stream, not bursts.
  const loops = gateways.map((gateway, index) => publishLoop(gateway, (index / gateways.length) * intervalMs));

  return {
    counts: () => ({ ...counts, problems: sightedProblems.size }),
    acknowledgedIds,
    stop: async (graceMs) => {
      running = false;
      clearInterval(newProblems);
      await Promise.all(loops);
      const settled = await Promise.race([Promise.all([...inFlight]).then(() => true), sleep(graceMs).then(() => false)]);
      if (!settled) counts.publishFailures += inFlight.size;
    },
  };
}
