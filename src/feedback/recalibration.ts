/**
 * The recalibration `buddy calibrate` fits (SPEC 7): isotonic regression of outcomes on
 * predictions with small blocks shrunk toward the pooled rate, and what it is worth measured out
 * of sample, raw against calibrated.
 */
import { figure } from "../core";
import { calibrationMetrics, type PredictionPair } from "./calibration";
import { assignFolds, CROSS_VALIDATION_FOLDS, outOfFoldPairs, type Calibrator } from "./cross-validation";
import { applyIsotonic, isotonicFit } from "./isotonic";
import type { CrossValidation, FitScore, IsotonicFit } from "./recalibration-schema";

/**
 * Fewer pairs than this and no fit is made: with 5 folds each fold would hold three pairs or
 * fewer, and the figures reported about the fit would be noise.
 */
export const MIN_CALIBRATION_PAIRS = 20;

/** The `shrinkage` of the fit (see IsotonicOptions): a block of 10 pairs is pulled halfway to the pooled rate. */
export const SHRINKAGE_PAIRS = 10;

/** A pair with what identifies it across calls (its run and task), which decides its fold. */
export interface KeyedPair extends PredictionPair {
  key: string;
}

interface Recalibration {
  /** Fitted to every pair: the map `--apply` uses. */
  fit: IsotonicFit;
  /** The observed success rate of every pair, which small blocks are shrunk toward. */
  pooled_rate: number;
  cross_validated: CrossValidation;
}

const calibrator: Calibrator = (training) => {
  const fit = isotonicFit(training, { shrinkage: SHRINKAGE_PAIRS });
  return (p) => applyIsotonic(fit, p);
};

function score(pairs: readonly PredictionPair[]): FitScore {
  const { brier, ece } = calibrationMetrics(pairs);
  // Never null: the caller has MIN_CALIBRATION_PAIRS pairs.
  return { brier: figure(brier!), ece: figure(ece!) };
}

/** Callers check MIN_CALIBRATION_PAIRS first: they know which runs to name when there are too few. */
export function recalibrate(pairs: readonly KeyedPair[]): Recalibration {
  const fit = isotonicFit(pairs, { shrinkage: SHRINKAGE_PAIRS });
  const folds = assignFolds(pairs.map((x) => x.key));
  return {
    // Rounding is monotone, so the rounded map is still non-decreasing; it is what --apply uses,
    // so the values printed are the values written.
    fit: { steps: fit.steps.map((s) => ({ ...s, value: figure(s.value) })) },
    pooled_rate: figure(pairs.reduce((s, x) => s + x.outcome, 0) / pairs.length),
    cross_validated: {
      folds: CROSS_VALIDATION_FOLDS,
      raw: score(pairs),
      calibrated: score(outOfFoldPairs(pairs, folds, calibrator)),
    },
  };
}
