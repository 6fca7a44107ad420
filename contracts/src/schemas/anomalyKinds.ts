/**
 * Every kind of anomaly the pipeline knows. A camera kind is a class name from the model's
 * metadata; a sensor kind comes from a sensor rule. Adding a kind here is how the contract
 * grows: dispatch needs a priority and SLA for each one.
 */
export const ANOMALY_KINDS = ['garbage_pile', 'manhole_open', 'bin_full'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export function isAnomalyKind(value: string): value is AnomalyKind {
  return (ANOMALY_KINDS as readonly string[]).includes(value);
}
