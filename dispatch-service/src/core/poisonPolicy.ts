/**
 * What to do when an incident event could not be applied. A record that keeps failing while the
 * database answers can never be applied (a missing incident row, a row that breaks a constraint, a
 * bug): after a bounded number of attempts it goes to the dead-letter topic, so it stops blocking
 * its partition. An outage (the database unreachable) is nobody's record's fault: dead-lettering
 * then would drop every event of the outage, so it is retried for as long as it lasts.
 */
export interface RetryPolicy {
  /** Attempts at one record, the first included, before it is dead-lettered. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type FailureKind = 'outage' | 'record';
export type NextStep = { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/** `failures`: how many attempts of this kind failed so far, the one just failed included. */
export function nextStepAfterFailure(policy: RetryPolicy, kind: FailureKind, failures: number): NextStep {
  if (kind === 'record' && failures >= policy.maxAttempts) return { action: 'dead-letter' };
  return { action: 'retry', delayMs: Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1)) };
}
