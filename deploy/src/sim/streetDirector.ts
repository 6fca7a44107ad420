import type { DemoProblem, DemoStreet } from './demoStreet.js';

/**
 * The street the demo cameras look at, as a state per problem: not there yet, on the street, or
 * cleaned up by a worker (and, after a while, back: repeat problems are a KPI).
 */
export type ProblemPhase = { phase: 'waiting' } | { phase: 'present'; sinceMs: number } | { phase: 'fixed'; sinceMs: number };

export type StreetState = Readonly<Record<string, ProblemPhase>>;

/** What the pipeline says about the newest ticket raised by a problem's cameras. */
export type TicketState = 'none' | 'open' | 'fixed';

export interface DirectorTiming {
  startedAtMs: number;
  /** How long a cleaned-up spot stays clean before the problem comes back. */
  reappearAfterMs: number;
}

export function initialStreet(street: DemoStreet): StreetState {
  return Object.fromEntries(street.problems.map((p) => [p.id, { phase: 'waiting' } as ProblemPhase]));
}

/** One step of the world: problems appear on schedule, go once their ticket is resolved, and come back later. */
export function stepStreet(
  street: DemoStreet,
  state: StreetState,
  nowMs: number,
  ticketOf: (problem: DemoProblem) => TicketState,
  timing: DirectorTiming,
): StreetState {
  const next: Record<string, ProblemPhase> = {};
  for (const problem of street.problems) {
    const current = state[problem.id] ?? { phase: 'waiting' };
    if (current.phase === 'waiting') {
      next[problem.id] = nowMs - timing.startedAtMs >= problem.appearAfterMs ? { phase: 'present', sinceMs: nowMs } : current;
    } else if (current.phase === 'present') {
      next[problem.id] = ticketOf(problem) === 'fixed' ? { phase: 'fixed', sinceMs: nowMs } : current;
    } else {
      next[problem.id] = nowMs - current.sinceMs >= timing.reappearAfterMs ? { phase: 'present', sinceMs: nowMs } : current;
    }
  }
  return next;
}

/** Which frame each camera shows: its problem frame while a problem it watches is on the street, else its clear frame. */
export function framesFor(street: DemoStreet, state: StreetState): Record<string, string> {
  return Object.fromEntries(
    street.cameras.map((camera) => {
      const watching = street.problems.filter((p) => p.cameraIds.includes(camera.id));
      const present = watching.some((p) => state[p.id]?.phase === 'present');
      return [camera.id, present ? camera.problemScene.file : camera.clearScene.file];
    }),
  );
}
