/** Counting final tasks into the totals and success rate of wave and summary records. */
import type { TaskStatus } from "../core";
import type { Totals } from "./records";

export interface FinalTally {
  status: TaskStatus;
  attempts: number;
  predicted: number;
}

export interface Tally {
  totals: Totals;
  /** succeeded / final tasks (rejected ones count as not succeeded). */
  success_rate: number;
}

export function tally(finals: readonly FinalTally[], tasks = finals.length): Tally {
  const totals: Totals = { tasks, succeeded: 0, failed: 0, rejected: 0, attempts: 0, retries: 0 };
  for (const f of finals) {
    totals[f.status]++;
    totals.attempts += f.attempts;
    totals.retries += Math.max(0, f.attempts - 1);
  }
  return { totals, success_rate: finals.length === 0 ? 0 : totals.succeeded / finals.length };
}
