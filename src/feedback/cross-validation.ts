/**
 * k-fold cross-validation of a recalibration (SPEC 7). An isotonic fit scored on the pairs it was
 * fitted to is calibrated by construction (its ECE is 0 up to rounding) and says nothing about
 * the next run; here each pair is calibrated by a fit of the pairs outside its fold, as a new
 * task would be.
 */
import { deriveSeed } from "../core";
import type { PredictionPair } from "./calibration";

/** k of k-fold: each fit sees four fifths of the pairs. */
export const CROSS_VALIDATION_FOLDS = 5;

/** Fixed, so the same pairs always fall into the same folds (figures never change between calls). */
const FOLD_SEED = 20;

/**
 * The fold of each key (a pair's run and task id). Keys are ordered by a stable hash and dealt out
 * in turn, so folds differ in size by at most one, and a pair's fold depends neither on the order
 * the pairs come in nor on any randomness.
 */
export function assignFolds(keys: readonly string[], folds = CROSS_VALIDATION_FOLDS): number[] {
  const order = keys
    .map((key, index) => ({ key, index, hash: deriveSeed(FOLD_SEED, key) }))
    .sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const fold = new Array<number>(keys.length);
  order.forEach(({ index }, rank) => (fold[index] = rank % folds));
  return fold;
}

/** A fit made from training pairs: the calibrated probability of any p. */
export type Calibrator = (training: readonly PredictionPair[]) => (p: number) => number;

/** Every pair, in order, with its p calibrated by `fit` of the pairs of all other folds. */
export function outOfFoldPairs(pairs: readonly PredictionPair[], folds: readonly number[], fit: Calibrator): PredictionPair[] {
  const out = pairs.map((x) => ({ ...x }));
  for (const f of new Set(folds)) {
    const calibrate = fit(pairs.filter((_, i) => folds[i] !== f));
    pairs.forEach((x, i) => {
      if (folds[i] === f) out[i]!.p = calibrate(x.p);
    });
  }
  return out;
}
