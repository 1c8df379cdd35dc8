/**
 * Calibration of predictions against outcomes (SPEC 7), per wave and per run: how far the
 * predicted probabilities are from what happened, overall (bias, MAE, Brier, log loss) and by
 * probability band (ECE and its bins, the data of a reliability diagram).
 */
import type { Calibration, CalibrationBin } from "./schema";
import { mean } from "./stats";

/** One prediction and what happened: outcome 1 = the task succeeded. */
export interface PredictionPair {
  p: number;
  outcome: 0 | 1;
}

export const CALIBRATION_BINS = 10;
/** Clip for log loss, so one confident miss costs ln(1000) ≈ 6.9 instead of infinity. */
const LOG_LOSS_CLIP = 0.001;

/** Index of the equal-width bin of p; p = 1 falls in the last bin. */
function binOf(p: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

/** How well predictions match outcomes (Brier, log loss, ECE, bins): metrics, not a fit (that is `fitRecalibration`). */
export function calibrationMetrics(pairs: readonly PredictionPair[]): Calibration {
  const members: PredictionPair[][] = Array.from({ length: CALIBRATION_BINS }, () => []);
  for (const pair of pairs) members[binOf(pair.p)]!.push(pair);
  const n = pairs.length;
  const bins = members.map((inBin, i): CalibrationBin => ({
    lower: i / CALIBRATION_BINS,
    upper: (i + 1) / CALIBRATION_BINS,
    n: inBin.length,
    mean_predicted: mean(inBin.map((x) => x.p)),
    observed_rate: mean(inBin.map((x) => x.outcome)),
  }));
  const mean_predicted = mean(pairs.map((x) => x.p));
  const observed_rate = mean(pairs.map((x) => x.outcome));
  const clip = (p: number) => Math.min(1 - LOG_LOSS_CLIP, Math.max(LOG_LOSS_CLIP, p));
  let ece = 0;
  for (const b of bins) {
    if (b.n > 0) ece += (b.n / n) * Math.abs(b.mean_predicted! - b.observed_rate!);
  }
  return {
    n,
    mean_predicted,
    observed_rate,
    bias: mean_predicted === null || observed_rate === null ? null : mean_predicted - observed_rate,
    mae: mean(pairs.map((x) => Math.abs(x.p - x.outcome))),
    brier: mean(pairs.map((x) => (x.p - x.outcome) ** 2)),
    log_loss: mean(pairs.map((x) => -(x.outcome === 1 ? Math.log(clip(x.p)) : Math.log(1 - clip(x.p))))),
    ece: n === 0 ? null : ece,
    bins,
  };
}
