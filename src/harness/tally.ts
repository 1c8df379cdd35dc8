/** Counting final tasks into the totals, success rate and Brier score of wave and summary records. */
import type { TaskStatus } from "../core";
import type { Totals } from "./records";

export interface FinalTally {
  status: TaskStatus;
  attempts: number;
  predicted: number;
}

export interface Tally {
  totals: Totals;
  success_rate: number;
  mean_predicted: number;
  brier: number;
}

export function tally(finals: readonly FinalTally[], tasks = finals.length): Tally {
  const totals: Totals = { tasks, succeeded: 0, failed: 0, rejected: 0, attempts: 0, retries: 0 };
  let predicted = 0;
  let squared = 0;
  for (const f of finals) {
    totals[f.status]++;
    totals.attempts += f.attempts;
    totals.retries += Math.max(0, f.attempts - 1);
    predicted += f.predicted;
    const outcome = f.status === "succeeded" ? 1 : 0;
    squared += (f.predicted - outcome) ** 2;
  }
  const n = finals.length;
  return {
    totals,
    success_rate: n === 0 ? 0 : totals.succeeded / n,
    mean_predicted: n === 0 ? 0 : predicted / n,
    brier: n === 0 ? 0 : squared / n,
  };
}
