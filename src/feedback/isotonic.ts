/**
 * Isotonic regression by pool-adjacent-violators (SPEC 7, for `buddy calibrate`): the monotone
 * (non-decreasing) step function of p closest in squared error to the observed outcomes. It
 * never reorders tasks — a higher prediction never calibrates lower — it only moves each
 * probability band to the rate actually observed there.
 *
 * With `shrinkage`, each block's rate is shrunk toward the pooled rate of all pairs, because the
 * plain fit believes small blocks completely: four tasks at p = 0.95 that happened to succeed can map
 * 0.95 to 1.0, a certainty no four outcomes can show.
 */
import type { PredictionPair } from "./calibration";
import type { IsotonicFit } from "./recalibration-schema";

interface IsotonicOptions {
  /**
   * Pseudo-pairs at the pooled rate each block counts besides its own (a beta prior centred on
   * the pooled rate): a block of n pairs with s successes maps to (s + k·pooled) / (n + k), so a
   * block of k pairs is pulled halfway to the pooled rate and a block of 9k a tenth of the way.
   * @default 0 (plain isotonic regression)
   */
  shrinkage?: number;
}

/** Pairs pooled together: predictions in [from, to], `successes` of `n`. */
interface Block {
  from: number;
  to: number;
  successes: number;
  n: number;
}

const rate = (b: Block) => b.successes / b.n;

/**
 * Pools adjacent blocks until `valueOf` strictly rises from each block to the next. The stack
 * stays strictly increasing after every push, so the result is monotone whatever `valueOf` is.
 * Equal values pool too, which changes no fitted value but leaves one step per distinct value.
 */
function poolAdjacentViolators(blocks: readonly Block[], valueOf: (b: Block) => number): Block[] {
  const stack: Block[] = [];
  for (const block of blocks) {
    stack.push({ ...block });
    while (stack.length >= 2) {
      const b = stack[stack.length - 1]!;
      const a = stack[stack.length - 2]!;
      if (valueOf(a) < valueOf(b)) break;
      stack.splice(stack.length - 2, 2, { from: a.from, to: b.to, successes: a.successes + b.successes, n: a.n + b.n });
    }
  }
  return stack;
}

/** One block per distinct p, in rising order: a function gives one value per p. */
function blocksOfEqualP(pairs: readonly PredictionPair[]): Block[] {
  const blocks: Block[] = [];
  for (const { p, outcome } of [...pairs].sort((a, b) => a.p - b.p)) {
    const last = blocks[blocks.length - 1];
    if (last?.to === p) {
      last.successes += outcome;
      last.n += 1;
    } else {
      blocks.push({ from: p, to: p, successes: outcome, n: 1 });
    }
  }
  return blocks;
}

export function isotonicFit(pairs: readonly PredictionPair[], options: IsotonicOptions = {}): IsotonicFit {
  if (pairs.length === 0) return { steps: [] };
  const k = options.shrinkage ?? 0;
  const pooled = pairs.reduce((s, x) => s + x.outcome, 0) / pairs.length;
  const shrunk = (b: Block) => (b.successes + k * pooled) / (b.n + k);
  const fitted = poolAdjacentViolators(blocksOfEqualP(pairs), rate);
  // Shrinking pulls a small block further than its large neighbours, which can lift it above
  // the next block (or drop it below the previous): pooling again on the shrunk values makes
  // such neighbours one block, shrunk less, so the map stays monotone after shrinkage.
  const blocks = k === 0 ? fitted : poolAdjacentViolators(fitted, shrunk);
  return { steps: blocks.map((b) => ({ from: b.from, to: b.to, value: shrunk(b), n: b.n })) };
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
