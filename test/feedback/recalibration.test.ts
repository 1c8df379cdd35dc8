/**
 * The fit behind `buddy calibrate` (SPEC 7): isotonic regression with blocks shrunk toward the
 * pooled rate (and still monotone), deterministic folds, and figures that are out of sample.
 */
import { describe, expect, test } from "bun:test";
import {
  applyIsotonic,
  assignFolds,
  calibrationMetrics,
  isotonicFit,
  outOfFoldPairs,
  recalibrate,
  SHRINKAGE_PAIRS,
  type KeyedPair,
  type PredictionPair,
} from "../../src/feedback";

/** `n` pairs at p, the first `successes` of them succeeded. */
const at = (p: number, n: number, successes: number): PredictionPair[] =>
  Array.from({ length: n }, (_, i) => ({ p, outcome: i < successes ? 1 : 0 }));
const keyed = (pairs: PredictionPair[]): KeyedPair[] => pairs.map((x, i) => ({ ...x, key: `task-${i}` }));
const values = (pairs: PredictionPair[], shrinkage: number) => isotonicFit(pairs, { shrinkage }).steps.map((s) => s.value);
const isNonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe("shrinkage toward the pooled rate", () => {
  // 30 tasks at p = 0.1 of which 3 succeeded, and 4 lucky ones at p = 0.2 that all did.
  const lucky = [...at(0.1, 30, 3), ...at(0.2, 4, 4)];

  test("four lucky tasks do not map to 1.0: their block is pulled toward the pooled rate by k pseudo-pairs", () => {
    expect(applyIsotonic(isotonicFit(lucky), 0.2)).toBe(1);
    const pooled = 7 / 34;
    const fit = isotonicFit(lucky, { shrinkage: SHRINKAGE_PAIRS });
    expect(applyIsotonic(fit, 0.2)).toBeCloseTo((4 + SHRINKAGE_PAIRS * pooled) / (4 + SHRINKAGE_PAIRS), 12);
    expect(applyIsotonic(fit, 0.2)).toBeLessThan(0.5);
    // The large block barely moves: 30 real pairs outweigh 10 pseudo-pairs.
    expect(applyIsotonic(fit, 0.1)).toBeCloseTo((3 + SHRINKAGE_PAIRS * pooled) / (30 + SHRINKAGE_PAIRS), 12);
  });

  test("shrinkage 0 is the plain fit", () => {
    expect(isotonicFit(lucky, { shrinkage: 0 })).toEqual(isotonicFit(lucky));
  });

  test("a small block shrunk past its large neighbour is pooled with it, so the map stays monotone", () => {
    // Plain PAV keeps five rising blocks; shrinking each on its own toward the pooled rate
    // (376/504 ≈ 0.75) lifts the two small ones above the large block after them.
    const pairs = [...at(0.1, 2, 0), ...at(0.2, 100, 30), ...at(0.3, 2, 1), ...at(0.4, 100, 60), ...at(0.5, 300, 285)];
    const plain = isotonicFit(pairs);
    expect(plain.steps).toHaveLength(5);
    const pooled = 376 / 504;
    const naive = plain.steps.map((s) => (s.value * s.n + SHRINKAGE_PAIRS * pooled) / (s.n + SHRINKAGE_PAIRS));
    expect(isNonDecreasing(naive)).toBe(false);

    const fit = isotonicFit(pairs, { shrinkage: SHRINKAGE_PAIRS });
    const shrunk = (successes: number, n: number) => (successes + SHRINKAGE_PAIRS * pooled) / (n + SHRINKAGE_PAIRS);
    expect(fit.steps.map(({ from, to, n }) => ({ from, to, n }))).toEqual([
      { from: 0.1, to: 0.2, n: 102 },
      { from: 0.3, to: 0.4, n: 102 },
      { from: 0.5, to: 0.5, n: 300 },
    ]);
    expect(fit.steps[0]!.value).toBeCloseTo(shrunk(30, 102), 12);
    expect(fit.steps[1]!.value).toBeCloseTo(shrunk(61, 102), 12);
    expect(isNonDecreasing(fit.steps.map((s) => s.value))).toBe(true);
  });

  test("monotone on any data: a deterministic sweep of small random-looking samples", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const pairs = Array.from({ length: 5 + Math.floor(next() * 40) }, () => ({ p: Math.round(next() * 20) / 20, outcome: (next() < 0.5 ? 1 : 0) as 0 | 1 }));
      for (const k of [0, 1, SHRINKAGE_PAIRS, 100]) expect(isNonDecreasing(values(pairs, k))).toBe(true);
    }
  });
});

describe("folds", () => {
  const keys = Array.from({ length: 23 }, (_, i) => `run-a/task-${i}`);

  test("the same keys always get the same folds, whatever order they come in", () => {
    const folds = assignFolds(keys);
    expect(assignFolds(keys)).toEqual(folds);
    const reversed = assignFolds([...keys].reverse());
    expect(reversed.reverse()).toEqual(folds);
  });

  test("folds differ in size by at most one", () => {
    const sizes = [0, 1, 2, 3, 4].map((f) => assignFolds(keys).filter((x) => x === f).length);
    expect(sizes.sort()).toEqual([4, 4, 5, 5, 5]);
  });

  test("each pair is calibrated by a fit of the other folds only", () => {
    const pairs = [...at(0.5, 10, 10), ...at(0.5, 10, 0)];
    const folds = pairs.map((_, i) => i % 5);
    // A "fit" that predicts the training pairs' success rate, whatever p is.
    const out = outOfFoldPairs(pairs, folds, (training) => () => training.reduce((s, x) => s + x.outcome, 0) / training.length);
    out.forEach((x, i) => {
      const others = pairs.filter((_, j) => folds[j] !== folds[i]);
      expect(x.p).toBe(others.reduce((s, y) => s + y.outcome, 0) / others.length);
      expect(x.outcome).toBe(pairs[i]!.outcome);
    });
  });
});

describe("recalibrate: figures out of sample", () => {
  // 100 pairs whose outcomes follow their predictions closely: a well-fit sample.
  const wellFit = keyed(Array.from({ length: 100 }, (_, i) => {
    const p = 0.05 + 0.1 * (i % 10);
    return { p, outcome: (((i * 37) % 100) / 100 < p ? 1 : 0) as 0 | 1 };
  }));

  test("the cross-validated ECE of the calibrated predictions is not the in-sample ~0", () => {
    const inSample = isotonicFit(wellFit);
    const inSampleEce = calibrationMetrics(wellFit.map((x) => ({ p: applyIsotonic(inSample, x.p), outcome: x.outcome }))).ece!;
    expect(inSampleEce).toBeLessThan(1e-9);
    const { cross_validated } = recalibrate(wellFit);
    expect(cross_validated.folds).toBe(5);
    expect(cross_validated.calibrated.ece).toBeGreaterThan(0.01);
    expect(cross_validated.raw).toEqual({ brier: expect.any(Number), ece: expect.any(Number) });
    const raw = calibrationMetrics(wellFit);
    expect(cross_validated.raw.brier).toBeCloseTo(raw.brier!, 4);
    expect(cross_validated.raw.ece).toBeCloseTo(raw.ece!, 4);
  });

  test("figures are rounded to 4 decimals, and the same pairs in another order give the same figures", () => {
    const first = recalibrate(wellFit);
    const figures = [first.pooled_rate, first.cross_validated.raw.brier, first.cross_validated.raw.ece, first.cross_validated.calibrated.brier, first.cross_validated.calibrated.ece, ...first.fit.steps.map((s) => s.value)];
    for (const x of figures) expect(Math.abs(x * 1e4 - Math.round(x * 1e4))).toBeLessThan(1e-6);
    expect(recalibrate([...wellFit].reverse())).toEqual(first);
  });

  test("the printed map is the shrunk fit of every pair, monotone", () => {
    const { fit, pooled_rate } = recalibrate(wellFit);
    expect(pooled_rate).toBe(0.5);
    expect(isNonDecreasing(fit.steps.map((s) => s.value))).toBe(true);
    expect(fit.steps.reduce((s, x) => s + x.n, 0)).toBe(100);
    expect(Math.max(...fit.steps.map((s) => s.value))).toBeLessThan(1);
  });
});
