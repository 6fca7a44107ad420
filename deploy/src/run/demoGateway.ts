import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { GridCellSeed } from '../seed/district.js';
import { demoAgentConfig } from '../sim/demoAgentConfig.js';
import { buildDemoStreet, type DemoProblem, type DemoSceneManifest, type DemoStreet } from '../sim/demoStreet.js';
import type { GatewayCredentials } from '../sim/simulatedGateway.js';
import { framesFor, initialStreet, stepStreet, type StreetState, type TicketState } from '../sim/streetDirector.js';
import { startService, type RunningService } from './serviceProcess.js';

export interface DemoGatewayOptions {
  repoRoot: string;
  /** The agent's config, secret, frames and event store go to <dataRoot>/demo/edge-agent. */
  dataRoot: string;
  postgresUrl: string;
  brokerUrl: string;
  opsPort: number;
  /** The district cell the street lies in. */
  cell: GridCellSeed;
  credentials: GatewayCredentials;
  /** A cleaned-up spot stays clean this long, then the problem comes back (a repeat incident). */
  reappearAfterMs?: number;
  clearAfterMs?: number;
  fps?: number;
  logLevel?: string;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface DemoGateway {
  agent: RunningService;
  street: DemoStreet;
  configFile: string;
  /** Stops the street first (no frame changes under a stopping agent), then the agent. */
  stop(): Promise<void>;
}

const STEP_EVERY_MS = 2000;
const FRAME_NAME = 'frame.jpg';
const FIXED = new Set(['resolved', 'verified', 'closed', 'cancelled']);

export async function loadDemoScenes(repoRoot: string): Promise<DemoSceneManifest> {
  return JSON.parse(await readFile(join(repoRoot, 'deploy', 'demo', 'scenes.json'), 'utf8')) as DemoSceneManifest;
}

/**
 * The demo district's real gateway: the edge agent (its own process, like the services) with five
 * folder cameras replaying curated held-out scenes and a simulated bin sensor. The street itself is
 * played here: each camera's folder holds one frame, swapped for a clear street once a worker has
 * resolved the ticket its problem raised, so the agent reports `cleared` and verifies the fix.
 */
export async function startDemoGateway(options: DemoGatewayOptions): Promise<DemoGateway> {
  const say = options.onProgress ?? (() => undefined);
  const manifest = await loadDemoScenes(options.repoRoot);
  const street = buildDemoStreet(options.cell, manifest, options.credentials.gatewayId);
  const scenesDir = join(options.repoRoot, 'deploy', 'demo', 'scenes');
  const home = join(options.dataRoot, 'demo', 'edge-agent');
  const framesDir = (cameraId: string) => join(home, 'cameras', cameraId);
  await mkdir(home, { recursive: true, mode: 0o700 });
  const passwordFile = join(home, 'secret');
  await writeFile(passwordFile, `${options.credentials.password}\n`, { mode: 0o600 });

  const shown = new Map<string, string>();
  // Renamed into place, so the agent's folder source never reads a half-written frame.
  const show = async (frames: Record<string, string>): Promise<void> => {
    for (const [cameraId, file] of Object.entries(frames)) {
      if (shown.get(cameraId) === file) continue;
      await mkdir(framesDir(cameraId), { recursive: true });
      const target = join(framesDir(cameraId), FRAME_NAME);
      await copyFile(join(scenesDir, file), `${target}.next`);
      await rename(`${target}.next`, target);
      shown.set(cameraId, file);
    }
  };
  const startedAtMs = Date.now();
  const timing = { startedAtMs, reappearAfterMs: options.reappearAfterMs ?? 10 * 60_000 };
  const tell = (before: StreetState, after: StreetState): void => {
    for (const problem of street.problems) {
      const phase = after[problem.id]?.phase;
      if (phase === before[problem.id]?.phase) continue;
      if (phase === 'present') say(`demo street: ${problem.kind} ${problem.id} is on the street, seen by ${street.gatewayId} ${problem.cameraIds.join(', ')}`);
      if (phase === 'fixed') say(`demo street: ${problem.id} was cleaned up; ${problem.cameraIds.join(', ')} now see a clear street`);
    }
  };
  let state: StreetState = stepStreet(street, initialStreet(street), startedAtMs, () => 'none', timing);
  tell(initialStreet(street), state);
  await show(framesFor(street, state));

  const configFile = join(home, 'edge-agent.json');
  const config = demoAgentConfig(
    street,
    manifest,
    { modelPath: join(options.repoRoot, 'models', 'gridsight-detector.onnx'), framesDir, passwordFile, bufferPath: join(home, 'events.db') },
    { brokerUrl: options.brokerUrl, opsPort: options.opsPort, fps: options.fps, clearAfterMs: options.clearAfterMs, logLevel: options.logLevel },
  );
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  say('edge-agent: starting…');
  const agent = await startService(
    { name: 'edge-agent', script: 'edge-agent/dist/main.js', args: ['--config', configFile], env: {}, healthUrl: `http://127.0.0.1:${options.opsPort}/health` },
    { repoRoot: options.repoRoot, logDir: join(options.dataRoot, 'logs'), signal: options.signal, onProgress: options.onProgress },
  );

  const db = new pg.Client({ connectionString: options.postgresUrl });
  await db.connect();
  // The newest incident that the problem's cameras fed while it was on the street: has its ticket been dealt with?
  const ticketOf = async (problem: DemoProblem, sinceMs: number): Promise<TicketState> => {
    const { rows } = await db.query<{ status: string }>(
      `SELECT t.status FROM incidents i JOIN tickets t ON t.incident_id = i.incident_id
        WHERE i.kind = $1 AND i.last_seen_at >= $2
          AND EXISTS (SELECT 1 FROM detections d WHERE d.incident_id = i.incident_id AND d.gateway_id = $3 AND d.device_id = ANY($4))
        ORDER BY i.last_seen_at DESC LIMIT 1`,
      [problem.kind, new Date(sinceMs), street.gatewayId, problem.cameraIds],
    );
    const status = rows[0]?.status;
    return status === undefined ? 'none' : FIXED.has(status) ? 'fixed' : 'open';
  };

  let stopped = false;
  const play = async (): Promise<void> => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, STEP_EVERY_MS).unref());
      if (stopped) return;
      try {
        const tickets = new Map<string, TicketState>();
        for (const problem of street.problems) {
          const phase = state[problem.id];
          if (phase?.phase === 'present') tickets.set(problem.id, await ticketOf(problem, phase.sinceMs));
        }
        const next = stepStreet(street, state, Date.now(), (p) => tickets.get(p.id) ?? 'none', timing);
        tell(state, next);
        state = next;
        await show(framesFor(street, state));
      } catch (error) {
        say(`demo street: ${(error as Error).message}`);
      }
    }
  };
  const playing = play();

  return {
    agent,
    street,
    configFile,
    stop: async () => {
      stopped = true;
      await playing;
      await agent.stop();
      await db.end().catch(() => undefined);
    },
  };
}
