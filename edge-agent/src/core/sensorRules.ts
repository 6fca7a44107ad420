export interface SensorRule {
  readonly metric: string;
  /** The anomaly kind the rule raises, e.g. `manhole_open` or `bin_full`. */
  readonly kind: string;
  /** Raised once the value has stayed above this for `holdMs`. */
  readonly raiseAbove: number;
  readonly holdMs: number;
  /** Cleared once the value has stayed below this for `clearHoldMs`; lower than `raiseAbove` so noise near the line does not flap. */
  readonly clearBelow: number;
  readonly clearHoldMs: number;
}

export interface RuleState {
  readonly active: boolean;
  /** Since when the value has been on the other side of the line that would flip `active`. */
  readonly pendingSinceMs?: number;
}

export const IDLE_RULE: RuleState = { active: false };

export type RuleTransition = 'raised' | 'cleared' | undefined;

/** One reading through a threshold-and-hold rule with hysteresis. Pure. */
export function stepSensorRule(rule: SensorRule, state: RuleState, value: number, nowMs: number): { state: RuleState; transition: RuleTransition } {
  const crossing = state.active ? value < rule.clearBelow : value > rule.raiseAbove;
  if (!crossing) return { state: { active: state.active }, transition: undefined };
  const since = state.pendingSinceMs ?? nowMs;
  const hold = state.active ? rule.clearHoldMs : rule.holdMs;
  if (nowMs - since >= hold) {
    return { state: { active: !state.active }, transition: state.active ? 'cleared' : 'raised' };
  }
  return { state: { active: state.active, pendingSinceMs: since }, transition: undefined };
}
