/** Median and spread of repeated measurements: these machines are noisy, so a figure is never one run. */
export interface Dist {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p95: number;
  readonly n: number;
}

export function dist(values: readonly number[]): Dist {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const mid =
    s.length % 2 === 1
      ? (s[(s.length - 1) / 2] ?? NaN)
      : ((s[s.length / 2 - 1] ?? NaN) + (s[s.length / 2] ?? NaN)) / 2;
  return { median: mid, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, p95: at(0.95), n: s.length };
}

export const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const fmtDist = (d: Dist, unit = '', digits = 2): string =>
  `${fmt(d.median, digits)}${unit} [${fmt(d.min, digits)}–${fmt(d.max, digits)}] (n=${d.n})`;

/** A latency distribution reported against a p95 target. */
export const fmtP95 = (d: Dist): string =>
  `${d.p95.toFixed(0)} (median ${d.median.toFixed(0)}, max ${d.max.toFixed(0)})`;

/** Value at quantile q (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/**
 * A distribution-free ~95 % confidence interval of the median: order statistics k and n+1-k with
 * k the largest rank whose binomial(n, 1/2) tail stays under 2.5 % (the sign test's interval).
 */
export function medianBand(values: readonly number[]): { low: number; high: number } {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  let k = 0;
  let tail = 0;
  let term = 0.5 ** n; // P(X = 0)
  for (let i = 0; i < n; i++) {
    tail += term;
    if (tail > 0.025) break;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  // k = 0: too few pairs for a 95 % interval; the range is the honest band.
  const lo = Math.max(k, 1);
  return { low: s[lo - 1] ?? NaN, high: s[n - lo] ?? NaN };
}
