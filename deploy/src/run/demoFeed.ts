import type { AnomalyKind, Source } from '@gridsight/contracts';
import pg from 'pg';
import type { District } from '../seed/district.js';
import { createRandom, type Random } from '../seed/random.js';
import { sighting, tracksFor, type Problem, type Track } from '../sim/scenario.js';
import { connectSimulatedGateway, type GatewayCredentials, type SimulatedGateway } from '../sim/simulatedGateway.js';

export interface DemoFeedOptions {
  brokerUrl: string;
  postgresUrl: string;
  district: District;
  gateways: GatewayCredentials[];
  /** A new problem appears this often. */
  everyMs?: number;
  maxActive?: number;
  onProgress?: (line: string) => void;
}

export interface DemoFeed {
  stop(): Promise<void>;
}

interface Active {
  problem: Problem;
  tracks: Track[];
  firstEventId: string;
  clearing: boolean;
}

const UPDATE_EVERY_MS = 60_000;
const KIND_LABEL: Record<AnomalyKind, string> = { garbage_pile: '垃圾堆 garbage pile', manhole_open: '井盖缺失 open manhole', bin_full: '垃圾桶满 full bin' };

/**
 * Stands in for street gateways until the edge agent replays camera footage: problems appear in the
 * demo gateways' cells, seen by one to three devices (so dedupe has work), still-present updates
 * follow, and once a worker resolves the ticket the devices report `cleared`, which verifies it.
 */
export async function startDemoFeed(options: DemoFeedOptions): Promise<DemoFeed> {
  const random = createRandom(Date.now() & 0xffffffff);
  const say = options.onProgress ?? (() => undefined);
  const connected = new Map<string, SimulatedGateway>();
  for (const credentials of options.gateways) connected.set(credentials.gatewayId, await connectSimulatedGateway(options.brokerUrl, credentials));
  const db = new pg.Client({ connectionString: options.postgresUrl });
  await db.connect();
  const active: Active[] = [];
  let stopped = false;

  const report = async (tracks: Track[], type: 'detected' | 'updated' | 'cleared'): Promise<string[]> => {
    const ids: string[] = [];
    for (const track of tracks) {
      const event = sighting(track, type, Date.now(), random);
      await connected.get(track.source.gatewayId)!.publish(event);
      ids.push(event.eventId);
    }
    return ids;
  };

  const stage = async (): Promise<void> => {
    if (active.filter((a) => !a.clearing).length >= (options.maxActive ?? 8)) return;
    const problem = newProblem(random, options.district, options.gateways.map((g) => g.gatewayId));
    const tracks = tracksFor(problem, random);
    const [firstEventId] = await report(tracks, 'detected');
    active.push({ problem, tracks, firstEventId: firstEventId!, clearing: false });
    say(`demo feed: ${KIND_LABEL[problem.kind]} at ${problem.location.lat.toFixed(5)},${problem.location.lon.toFixed(5)}, seen by ${problem.seenBy[0]!.gatewayId} ${problem.seenBy.map((s) => s.deviceId).join(', ')} (simulated)`);
  };

  // Still-present updates, and `cleared` for problems whose ticket a worker has resolved.
  const tend = async (): Promise<void> => {
    for (const item of [...active]) {
      const { rows } = await db.query<{ status: string | null }>(
        'SELECT t.status FROM detections d JOIN tickets t ON t.incident_id = d.incident_id WHERE d.event_id = $1',
        [item.firstEventId],
      );
      const status = rows[0]?.status;
      if (status === 'resolved' && !item.clearing) {
        item.clearing = true;
        await report(item.tracks, 'cleared');
        say(`demo feed: the ${KIND_LABEL[item.problem.kind]} was fixed; its devices report cleared`);
      } else if (status && ['verified', 'closed', 'cancelled'].includes(status)) {
        active.splice(active.indexOf(item), 1);
      } else if (!item.clearing) {
        await report(item.tracks, 'updated');
      }
    }
  };

  const loop = async (every: number, step: () => Promise<void>): Promise<void> => {
    while (!stopped) {
      try {
        await step();
      } catch (error) {
        say(`demo feed: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, every).unref());
    }
  };
  const running = Promise.all([loop(options.everyMs ?? 30_000, stage), loop(UPDATE_EVERY_MS, tend)]);

  return {
    stop: async () => {
      stopped = true;
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await Promise.all([...connected.values()].map((g) => g.close().catch(() => undefined)));
      await db.end().catch(() => undefined);
    },
  };
}

function newProblem(random: Random, district: District, gatewayIds: string[]): Problem {
  const gatewayId = random.pick(gatewayIds);
  const gateway = district.gateways.find((g) => g.gatewayId === gatewayId)!;
  const cell = district.cells.find((c) => c.cellId === gateway.cellId)!;
  const kind = random.weighted<AnomalyKind>([
    ['garbage_pile', 0.7],
    ['manhole_open', 0.15],
    ['bin_full', 0.15],
  ]);
  const camera = (deviceId: string): Source => ({ type: 'camera', gatewayId, deviceId });
  const sensor = (deviceId: string): Source => ({ type: 'sensor', gatewayId, deviceId });
  const seenBy: Source[] =
    kind === 'bin_full'
      ? [sensor(gateway.sensors[1]!)]
      : kind === 'manhole_open'
        ? [camera('cam-1'), sensor(gateway.sensors[0]!)]
        : random.chance(0.5)
          ? [camera('cam-1'), camera('cam-2')]
          : [camera(random.pick(['cam-1', 'cam-2']))];
  return {
    kind,
    location: { lat: random.between(cell.minLat, cell.maxLat), lon: random.between(cell.minLon, cell.maxLon) },
    seenBy,
  };
}
