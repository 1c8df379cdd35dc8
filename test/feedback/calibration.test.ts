/** Calibration (SPEC 7) against hand-computed figures, and the isotonic fit behind `buddy calibrate`. */
import { describe, expect, test } from "bun:test";
import { applyIsotonic, calibrationMetrics, CALIBRATION_BINS, isotonicFit, type PredictionPair } from "../../src/feedback";

const pairs = (...xs: Array<[number, 0 | 1]>): PredictionPair[] => xs.map(([p, outcome]) => ({ p, outcome }));

describe("calibrate", () => {
  // p: 0.9 ✓, 0.8 ✗, 0.3 ✗, 0.35 ✓
  const c = calibrationMetrics(pairs([0.9, 1], [0.8, 0], [0.3, 0], [0.35, 1]));

  test("mean predicted, observed rate, bias and MAE", () => {
    expect(c.n).toBe(4);
    expect(c.mean_predicted).toBeCloseTo(2.35 / 4, 12);
    expect(c.observed_rate).toBe(0.5);
    expect(c.bias).toBeCloseTo(2.35 / 4 - 0.5, 12);
    expect(c.mae).toBeCloseTo((0.1 + 0.8 + 0.3 + 0.65) / 4, 12);
  });

  test("Brier score and log loss", () => {
    expect(c.brier).toBeCloseTo((0.01 + 0.64 + 0.09 + 0.4225) / 4, 12);
    const ll = -(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.35)) / 4;
    expect(c.log_loss).toBeCloseTo(ll, 12);
  });

  test("10 equal bins; ECE weights each bin's gap by its share", () => {
    expect(c.bins).toHaveLength(10);
    expect(c.bins.map((b) => b.n)).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 1, 1]);
    const bin = c.bins[3]!;
    expect([bin.lower, bin.upper, bin.n, bin.observed_rate]).toEqual([0.3, 0.4, 2, 0.5]);
    expect(bin.mean_predicted).toBeCloseTo(0.325, 12);
    expect(c.bins[0]!.mean_predicted).toBeNull();
    // bin 3: |0.325 − 0.5| × 2/4; bin 8: |0.8 − 0| × 1/4; bin 9: |0.9 − 1| × 1/4
    expect(c.ece).toBeCloseTo(0.175 * 0.5 + 0.8 * 0.25 + 0.1 * 0.25, 12);
  });

  test("p = 1 falls in the last bin and p = 0 in the first", () => {
    const edge = calibrationMetrics(pairs([1, 1], [0, 0]));
    expect(edge.bins[9]!.n).toBe(1);
    expect(edge.bins[0]!.n).toBe(1);
    expect(edge.ece).toBe(0);
  });

  test("log loss clips p to [0.001, 0.999], so a confident miss is finite", () => {
    const miss = calibrationMetrics(pairs([1, 0], [0, 1]));
    expect(miss.log_loss).toBeCloseTo(-Math.log(0.001), 12);
    expect(miss.brier).toBe(1);
  });

  test("no pairs: n 0 and every statistic null, not 0", () => {
    const empty = calibrationMetrics([]);
    expect(empty.n).toBe(0);
    expect([empty.mean_predicted, empty.bias, empty.brier, empty.log_loss, empty.ece, empty.mae]).toEqual([null, null, null, null, null, null]);
    expect(empty.bins.map((b) => b.n)).toEqual(Array(CALIBRATION_BINS).fill(0));
  });
});

describe("isotonicFit (pool-adjacent-violators)", () => {
  test("pools adjacent violators into their mean", () => {
    // outcomes by rising p: 1, 0, 1, 1 → the first two violate and pool to 0.5
    const fit = isotonicFit(pairs([0.2, 1], [0.4, 0], [0.6, 1], [0.8, 1]));
    expect(fit.steps).toEqual([
      { from: 0.2, to: 0.4, value: 0.5, n: 2 },
      { from: 0.6, to: 0.8, value: 1, n: 2 },
    ]);
  });

  test("a cascade of violations pools back to the start", () => {
    const fit = isotonicFit(pairs([0.1, 1], [0.2, 1], [0.3, 0], [0.4, 0]));
    expect(fit.steps).toEqual([{ from: 0.1, to: 0.4, value: 0.5, n: 4 }]);
  });

  test("equal predictions share one value", () => {
    const fit = isotonicFit(pairs([0.5, 1], [0.5, 0], [0.5, 0], [0.9, 1]));
    expect(fit.steps[0]).toEqual({ from: 0.5, to: 0.5, value: 1 / 3, n: 3 });
  });

  test("unsorted input gives the hand-run PAV result", () => {
    // sorted: 0.1✓ 0.3✗ | 0.5✓ 0.6✓ 0.7✗ 0.8✓ 0.9✗ → [0.1–0.3] = 1/2, [0.5–0.9] = 3/5
    const data = pairs([0.9, 0], [0.1, 1], [0.5, 1], [0.7, 0], [0.3, 0], [0.8, 1], [0.6, 1]);
    expect(isotonicFit(data).steps).toEqual([
      { from: 0.1, to: 0.3, value: 0.5, n: 2 },
      { from: 0.5, to: 0.9, value: 0.6, n: 5 },
    ]);
  });

  test("applyIsotonic is a right-continuous step function", () => {
    const fit = isotonicFit(pairs([0.2, 1], [0.4, 0], [0.6, 1], [0.8, 1]));
    expect(applyIsotonic(fit, 0.05)).toBe(0.5); // below the data: the first step
    expect(applyIsotonic(fit, 0.5)).toBe(0.5); // between steps: the step at or below
    expect(applyIsotonic(fit, 0.6)).toBe(1);
    expect(applyIsotonic(fit, 0.99)).toBe(1);
    expect(applyIsotonic({ steps: [] }, 0.37)).toBe(0.37);
  });
});
