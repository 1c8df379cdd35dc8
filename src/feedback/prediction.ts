/** The prediction_validation signal (SPEC 7 → Phase 20): each prediction against its outcome. */
import { outcomeOf, type WaveObservation } from "../core";
import { calibrationMetrics } from "./calibration";
import { fixed, highLow } from "./format";
import { predictionPairs, ranTasks } from "./pairs";
import type { PredictionContent } from "./types";

/** |bias| below this is called calibrated; above it the advice says which way predictions lean. */
const BIAS_TOLERANCE = 0.05;
/** Expected calibration error above which recalibration is advised. */
const ECE_LIMIT = 0.1;
/** The Brier score of always predicting 0.5: worse than this is worse than a coin flip. */
const COIN_FLIP_BRIER = 0.25;

export function predictionContent(obs: WaveObservation): PredictionContent {
  return {
    tasks: ranTasks(obs.tasks).map((t) => {
      const actual = outcomeOf(t);
      return { task_id: t.task.task_id, agent_id: t.agent_id, predicted: t.task.predicted_success_probability, actual, error: Math.abs(t.task.predicted_success_probability - actual) };
    }),
    calibration: calibrationMetrics(predictionPairs(obs.tasks)),
  };
}

export function predictionRecommendations(c: PredictionContent, run_id: string): string[] {
  const { bias, ece, brier, n } = c.calibration;
  if (n === 0 || bias === null || ece === null || brier === null) return ["no task ran in this wave; nothing to validate"];
  const out: string[] = [];
  out.push(
    Math.abs(bias) > BIAS_TOLERANCE
      ? `predictions run ${highLow(bias)} (mean predicted ${fixed(c.calibration.mean_predicted!)}, observed ${fixed(c.calibration.observed_rate!)})`
      : `predictions are calibrated on average (bias ${fixed(bias)})`,
  );
  if (ece > ECE_LIMIT) out.push(`ECE ${fixed(ece, 3)}: recalibrate with \`buddy calibrate ${run_id} --apply FILE\``);
  if (brier > COIN_FLIP_BRIER) out.push(`Brier score ${fixed(brier, 3)} is worse than always predicting 0.5 (0.25)`);
  const confidentMisses = c.tasks.filter((t) => t.error > 0.8).length;
  if (confidentMisses > 0) out.push(`${confidentMisses} task(s) were confidently mispredicted (error > 0.8)`);
  return out;
}
