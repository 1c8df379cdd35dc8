/** Turning observed tasks into (prediction, outcome) pairs. */
import { outcomeOf, ran, type FinishedTask } from "../core";
import type { PredictionPair } from "./calibration";

/** Tasks whose prediction was put to the test (see `ran` in src/core/finished.ts). */
export function ranTasks<T extends { status: string }>(tasks: readonly T[]): T[] {
  return tasks.filter(ran);
}

export function predictionPairs(tasks: readonly FinishedTask[]): PredictionPair[] {
  return ranTasks(tasks).map((t) => ({ p: t.task.predicted_success_probability, outcome: outcomeOf(t) }));
}
