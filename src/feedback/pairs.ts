/** Turning observed tasks into (prediction, outcome) pairs. */
import type { TaskObservation } from "../core";
import type { PredictionPair } from "./calibration";

/**
 * Tasks whose prediction was put to the test. A `rejected` task never ran (a safety gate stopped
 * it in live mode), so its outcome says nothing about its prediction and it is left out; counting
 * it as a failure would make low predictions look right because the gates reject them.
 */
export function ranTasks<T extends Pick<TaskObservation, "status">>(tasks: readonly T[]): T[] {
  return tasks.filter((t) => t.status !== "rejected");
}

export const outcomeOf = (task: Pick<TaskObservation, "status">): 0 | 1 => (task.status === "succeeded" ? 1 : 0);

export function predictionPairs(tasks: readonly TaskObservation[]): PredictionPair[] {
  return ranTasks(tasks).map((t) => ({ p: t.predicted_success_probability, outcome: outcomeOf(t) }));
}
