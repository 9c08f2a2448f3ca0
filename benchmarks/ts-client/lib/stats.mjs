// The figures of a round-trip run, computed exactly as the Java harness computes them
// (dev.comfyagent.benchmarks.roundtrip.RoundTripResult and RoundTripBenchmark), so that the two
// clients' JSON files can be read side by side.

/** The value at `fraction` of ascending `sorted` values (nearest rank); NaN when there is none. */
export function percentile(sorted, fraction) {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median of `values` in any order (the mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * The distribution-free confidence interval of the median of `values` (any order): the k-th
 * smallest and the k-th largest value, for the largest k with P(X < k) <= 2.5% where
 * X ~ Binomial(n, 1/2). They bracket the median with probability 1 - 2 P(X < k) whatever the
 * values' distribution.
 *
 * @returns {[number, number, number] | null} [low, high, confidence]; null below 6 values, where
 *     no such pair holds the median with 95%
 */
export function medianInterval(values) {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  let below = 0;
  let term = 0.5 ** n;
  let k = 0;
  while (k < n && below + term <= 0.025) {
    below += term;
    term = (term * (n - k)) / (k + 1);
    k++;
  }
  if (k === 0) {
    return null;
  }
  return [sorted[k - 1], sorted[n - k], 1 - 2 * below];
}

/**
 * One configuration's figure minus the base configuration's, for every round both ran.
 *
 * @param {{round: number}[]} samples the configuration's samples
 * @param {{round: number}[]} baseSamples the base's (no agent's) samples
 * @param {(sample: object) => number} figure which figure
 */
export function pairedDifferences(samples, baseSamples, figure) {
  const differences = [];
  for (const s of samples) {
    for (const b of baseSamples) {
      if (b.round === s.round) {
        differences.push(figure(s) - figure(b));
      }
    }
  }
  return differences;
}

/** `calls` split into at most `blocks` turns, as even as whole numbers allow, larger ones first. */
export function blockSizes(calls, blocks) {
  const turns = Math.max(1, Math.min(blocks, calls));
  const sizes = [];
  for (let i = 0; i < turns; i++) {
    sizes.push(Math.floor(calls / turns) + (i < calls % turns ? 1 : 0));
  }
  return sizes;
}

/** `value` to one decimal, as the Java harness's JSON has it; null when not a finite number. */
export function round1(value) {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : null;
}
