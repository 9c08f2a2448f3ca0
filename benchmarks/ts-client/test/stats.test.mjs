import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  blockSizes,
  median,
  medianInterval,
  pairedDifferences,
  percentile,
  round1,
} from '../lib/stats.mjs';

// The same figures as the Java harness's RoundTripBenchmarkTest: both clients must bound the
// median with the same order statistics.
test('the interval of the median is the order statistics that hold it with 95% or more', () => {
  const sixteen = Array.from({ length: 16 }, (_, i) => 16 - i); // reversed: order must not matter

  const [low, high, confidence] = medianInterval(sixteen);

  // P(Binomial(16, 1/2) <= 3) = 697/65536: the 4th smallest and the 4th largest, 97.9%.
  assert.equal(low, 4);
  assert.equal(high, 13);
  assert.ok(Math.abs(confidence - (1 - (2 * 697) / 65536)) < 1e-12, `confidence ${confidence}`);
  assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6]), [1, 6, 1 - 2 / 64]);
  assert.equal(medianInterval([1, 2, 3, 4, 5]), null);
});

test('the interval grows inward by one order statistic where the binomial tail allows it', () => {
  // n = 9: P(X <= 1) = 10/512 <= 2.5% but P(X <= 2) = 46/512 is not: the 2nd and the 8th.
  assert.deepEqual(medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1]), [2, 8, 1 - (2 * 10) / 512]);
  // n = 32 (the baseline's rounds): P(X <= 9) = 0.01003 and P(X <= 10) = 0.02507: the 10th and
  // the 23rd.
  const [low, high, confidence] = medianInterval(Array.from({ length: 32 }, (_, i) => i + 1));
  assert.deepEqual([low, high], [10, 23]);
  assert.ok(Math.abs(confidence - 0.97994) < 1e-5, `confidence ${confidence}`);
});

test('what an agent adds is the median of its differences to no agent in the same round', () => {
  const none = [400, 500, 450].map((p50Us, round) => ({ round, p50Us }));
  const agent = [410, 503, 470].map((p50Us, round) => ({ round, p50Us }));

  const differences = pairedDifferences(agent, none, (s) => s.p50Us);

  // Differences 10, 3, 20: the median is 10, while the medians' difference would be 20.
  assert.deepEqual(differences, [10, 3, 20]);
  assert.equal(median(differences), 10);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('rounds that only one side ran are not paired', () => {
  const none = [
    { round: 0, p50Us: 1 },
    { round: 2, p50Us: 1 },
  ];
  const agent = [
    { round: 0, p50Us: 5 },
    { round: 1, p50Us: 9 },
  ];

  assert.deepEqual(
    pairedDifferences(agent, none, (s) => s.p50Us),
    [4],
  );
});

test('percentiles are nearest rank', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  assert.equal(percentile(sorted, 0.5), 50);
  assert.equal(percentile(sorted, 0.99), 99);
  assert.equal(percentile([7], 0.99), 7);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

test('measured calls are split into even turns', () => {
  assert.deepEqual(blockSizes(8000, 8), Array(8).fill(1000));
  assert.deepEqual(blockSizes(10, 3), [4, 3, 3]);
  assert.deepEqual(blockSizes(2, 8), [1, 1]);
});

test('figures are written to one decimal and unknown ones as null', () => {
  assert.equal(round1(122.94), 122.9);
  assert.equal(round1(122.95), 123);
  assert.equal(round1(Number.NaN), null);
});
