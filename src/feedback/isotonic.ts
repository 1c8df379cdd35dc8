/**
 * Isotonic regression by pool-adjacent-violators (SPEC 7, for `buddy calibrate`): the monotone
 * (non-decreasing) step function of p closest in squared error to the observed outcomes. It
 * never reorders tasks — a higher prediction never calibrates lower — it only moves each
 * probability band to the rate actually observed there.
 */
import type { PredictionPair } from "./calibration";

/** One step: predictions in [from, to] (as seen in the fitted data) map to `value`. */
interface IsotonicStep {
  from: number;
  to: number;
  value: number;
  /** Pairs pooled into this step. */
  n: number;
}

/** Plain data (JSON-serialisable, so a fit can be stored and applied later). */
export interface IsotonicFit {
  steps: IsotonicStep[];
}

export function isotonicFit(pairs: readonly PredictionPair[]): IsotonicFit {
  const sorted = [...pairs].sort((a, b) => a.p - b.p);
  // Blocks of the stack: equal p values start pooled, since a function gives one value per p.
  const blocks: Array<{ from: number; to: number; sum: number; n: number }> = [];
  for (const { p, outcome } of sorted) {
    const last = blocks[blocks.length - 1];
    if (last && last.to === p) {
      last.sum += outcome;
      last.n += 1;
    } else {
      blocks.push({ from: p, to: p, sum: outcome, n: 1 });
    }
    // Pool while the newest block's mean is not above its predecessor's: below is a violation;
    // equal pools too, which changes no fitted value but leaves one step per distinct value.
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1]!;
      const a = blocks[blocks.length - 2]!;
      if (a.sum / a.n < b.sum / b.n) break;
      blocks.splice(blocks.length - 2, 2, { from: a.from, to: b.to, sum: a.sum + b.sum, n: a.n + b.n });
    }
  }
  return { steps: blocks.map((b) => ({ from: b.from, to: b.to, value: b.sum / b.n, n: b.n })) };
}

/**
 * The calibrated probability of p: the value of the last step starting at or below p (a
 * right-continuous step function), or the first step's value below the fitted range. With no
 * fitted data, p is returned unchanged.
 */
export function applyIsotonic(fit: IsotonicFit, p: number): number {
  const { steps } = fit;
  if (steps.length === 0) return p;
  let lo = 0;
  let hi = steps.length - 1;
  // Binary search for the last step with from ≤ p.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid]!.from <= p) lo = mid;
    else hi = mid - 1;
  }
  return steps[lo]!.value;
}
