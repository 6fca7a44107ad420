export interface Point {
  x: number;
  y: number;
}

/**
 * Ordinary least-squares slope of y over x. A growing sawtooth (GC cycles) still shows its trend
 * here, where first-versus-last would depend on where in a cycle each sample fell.
 */
export function leastSquaresSlope(points: readonly Point[]): number | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.x - meanX) * (p.y - meanY);
    variance += (p.x - meanX) ** 2;
  }
  return variance === 0 ? undefined : covariance / variance;
}
