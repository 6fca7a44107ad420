import type { EvaluationReport } from './evaluation.js';
import type { LatencySummary } from './latency.js';

const pct = (v: number) => (Number.isNaN(v) ? '   -  ' : `${(100 * v).toFixed(1).padStart(5)}%`);
const num = (v: number) => v.toFixed(3);

/** The evaluation as a plain-text table for a terminal. */
export function formatReport(r: EvaluationReport & { latencyMs: LatencySummary; model: { name: string; version: string }; split: string }): string {
  const names = r.classes.map((c) => c.name);
  const width = Math.max(16, ...names.map((n) => n.length + 2));
  const lines: string[] = [];
  const thresholds = r.operatingThresholds.map((t, i) => `${names[i]} ${t}`).join(', ');
  lines.push(`${r.model.name} ${r.model.version} on ${r.images} ${r.split} images; operating thresholds: ${thresholds}`);
  lines.push('');
  lines.push(`${'class'.padEnd(width)} truths   AP50  AP50-95  precision  recall   TP   FP   FN   at 95 % recall: threshold, precision`);
  for (const c of r.classes) {
    const at95 = c.atRecall95 ? `${c.atRecall95.threshold.toFixed(3)}, ${pct(c.atRecall95.precision)}` : 'not reached';
    lines.push(
      `${c.name.padEnd(width)} ${String(c.truths).padStart(6)}  ${num(c.ap50)}    ${num(c.ap50_95)}     ${pct(c.precision)}  ${pct(c.recall)} ${String(c.truePositives).padStart(4)} ${String(c.falsePositives).padStart(4)} ${String(c.falseNegatives).padStart(4)}   ${at95}`,
    );
  }
  lines.push(`${'all'.padEnd(width)}         ${num(r.map50)}    ${num(r.map50_95)}`);
  lines.push('');
  lines.push(`confusion at the operating threshold (rows: truth, columns: detected)`);
  const cols = [...names, 'missed/none'];
  lines.push(`${''.padEnd(width)}${cols.map((c) => c.slice(0, 15).padStart(16)).join('')}`);
  r.confusion.forEach((row, i) => {
    lines.push(`${(names[i] ?? 'background').padEnd(width)}${row.map((v) => String(v).padStart(16)).join('')}`);
  });
  lines.push('');
  lines.push('false positives by what they landed on');
  for (const [cls, tally] of Object.entries(r.falsePositivesOn)) {
    const parts = Object.entries(tally)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`);
    lines.push(`  ${cls.padEnd(width)} ${parts.length > 0 ? parts.join(', ') : 'none'}`);
  }
  const l = r.latencyMs;
  lines.push('');
  lines.push(`latency per frame (ms, mean / p50 / p95) over ${l.frames} frames`);
  for (const key of ['decodeMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs'] as const) {
    lines.push(`  ${key.replace('Ms', '').padEnd(12)} ${l[key].mean.toFixed(2).padStart(7)} ${l[key].p50.toFixed(2).padStart(7)} ${l[key].p95.toFixed(2).padStart(7)}`);
  }
  return lines.join('\n');
}
