/**
 * The prediction_validation signal (SPEC 7 → Phase 20): each prediction against its outcome.
 * The signal a run keeps lists the LISTED_TASKS worst predictions of its wave, so its size is
 * bounded whatever the wave's (a 250k-task wave made a 6 MB signal); every task's own prediction
 * and outcome stay in the store's tasks, and the reports list them all (`predictionContent(obs)`
 * without a limit, from the same wave).
 */
import { outcomeOf, type WaveObservation } from "../core";
import { calibrationMetrics } from "./calibration";
import { fixed, highLow } from "./format";
import { predictionPairs, ranTasks } from "./pairs";
import type { PredictionContent, Signal } from "./types";

/** |bias| below this is called calibrated; above it the advice says which way predictions lean. */
const BIAS_TOLERANCE = 0.05;
/** Expected calibration error above which recalibration is advised. */
const ECE_LIMIT = 0.1;
/** The Brier score of always predicting 0.5: worse than this is worse than a coin flip. */
const COIN_FLIP_BRIER = 0.25;
/** An error above this is a confident misprediction. */
export const CONFIDENT_MISS = 0.8;
/** Predictions the stored signal lists: the worst ones, by error. */
export const LISTED_TASKS = 100;

/**
 * The wave's predictions against outcomes: all of them, or with `limit` the worst `limit` (by
 * error, then input order). The counts are always of every task that ran.
 */
export function predictionContent(obs: WaveObservation, limit = Infinity): PredictionContent {
  // Input order, not the order tasks finished in: the same run gives the same signal.
  const ran = [...ranTasks(obs.tasks)].sort((a, b) => a.task.seq - b.task.seq);
  const validated = ran.map((t) => {
    const actual = outcomeOf(t);
    return { task_id: t.task.task_id, agent_id: t.agent_id, predicted: t.task.predicted_success_probability, actual, error: Math.abs(t.task.predicted_success_probability - actual) };
  });
  const listed = validated.length <= limit ? validated : validated.map((v, i) => ({ v, i })).sort((a, b) => b.v.error - a.v.error || a.i - b.i).slice(0, limit).sort((a, b) => a.i - b.i).map(({ v }) => v);
  return {
    tasks: listed,
    tasks_total: validated.length,
    confident_misses: validated.filter((t) => t.error > CONFIDENT_MISS).length,
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
  if (c.confident_misses > 0) out.push(`${c.confident_misses} task(s) were confidently mispredicted (error > ${CONFIDENT_MISS})`);
  return out;
}

/**
 * A stored signal as the reports show it: a prediction_validation signal lists every task of its
 * wave again, from the wave's observation; other signals are as stored.
 */
export function withEveryPrediction(signal: Signal, obs: WaveObservation): Signal {
  if (signal.signal_type !== "prediction_validation") return signal;
  return { ...signal, content: { ...signal.content, tasks: predictionContent(obs).tasks } };
}
