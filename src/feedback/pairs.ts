/** Turning observed tasks into (prediction, outcome) pairs. */
import { outcomeOf, ran, type Task } from "../core";
import type { PredictionPair } from "./calibration";
import type { KeyedPair } from "./recalibration";

/** What a pair is made of: a stored or finished task. */
type Scored = { status: string; task: Pick<Task, "task_id" | "predicted_success_probability"> };

/** Tasks whose prediction was put to the test (see `ran` in src/core/finished.ts). */
export function ranTasks<T extends { status: string }>(tasks: readonly T[]): T[] {
  return tasks.filter(ran);
}

const pairOf = (t: Scored): PredictionPair => ({ p: t.task.predicted_success_probability, outcome: outcomeOf(t) });

export function predictionPairs(tasks: readonly Scored[]): PredictionPair[] {
  return ranTasks(tasks).map(pairOf);
}

/** The pairs of one run's tasks, each keyed by its run and task id (cross-validation folds by the key). */
export function keyedPairs(run_id: string, tasks: readonly Scored[]): KeyedPair[] {
  return ranTasks(tasks).map((t) => ({ ...pairOf(t), key: JSON.stringify([run_id, t.task.task_id]) }));
}
