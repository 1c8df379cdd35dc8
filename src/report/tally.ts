/**
 * The one computation of a run's (or a wave's) totals, success rate, health and calibration:
 * the `wave` and `summary` records and the reports all count through it, so they agree.
 * Counts are accumulated task by task, so a run of a million tasks keeps counters and one
 * (prediction, outcome) pair per task that ran, not its tasks.
 */
import { isFinished, outcomeOf, ran, type TaskStatus } from "../core";
import { calibrationMetrics, type Calibration, type PredictionPair } from "../feedback";
import { confidenceTrajectory, healthStatus, type HealthStatus, type Trajectory } from "../monitor";
import type { Totals } from "../records";

export interface RunFigures {
  totals: Totals;
  /** succeeded / finished tasks (rejected ones count as not succeeded); null before any task finished. */
  success_rate: number | null;
  /** Mean of the waves' health scores (as the original reported it); null without waves. */
  health_score: number | null;
  health_status: HealthStatus | null;
  confidence_trajectory: Trajectory;
  /** Over every task that ran (rejected tasks never tested their prediction). */
  calibration: Calibration;
}

export class TaskTally {
  readonly totals: Totals;
  readonly #pairs: PredictionPair[] = [];

  /** @param tasks how many tasks there are in all: those never added count as pending. */
  constructor(tasks: number) {
    this.totals = { tasks, succeeded: 0, failed: 0, rejected: 0, pending: tasks, attempts: 0, retries: 0 };
  }

  /**
   * Counts one finished task: its status, the attempts it took, its prediction. A task never
   * added stays pending, and its attempts are not counted until it finishes.
   */
  add(status: TaskStatus, attempts: number, predicted: number): void {
    const t = this.totals;
    t.attempts += attempts;
    t.retries += Math.max(0, attempts - 1);
    t[status]++;
    t.pending--;
    if (ran({ status })) this.#pairs.push({ p: predicted, outcome: outcomeOf({ status }) });
  }

  get finished(): number {
    return this.totals.succeeded + this.totals.failed + this.totals.rejected;
  }

  /** The figures, with the health scores of the waves so far, oldest first. */
  figures(healthScores: readonly number[]): RunFigures {
    const health_score = healthScores.length === 0 ? null : healthScores.reduce((a, b) => a + b, 0) / healthScores.length;
    return {
      totals: { ...this.totals },
      success_rate: this.finished === 0 ? null : this.totals.succeeded / this.finished,
      health_score,
      health_status: health_score === null ? null : healthStatus(health_score),
      confidence_trajectory: confidenceTrajectory(healthScores.map((s) => s / 100)),
      calibration: calibrationMetrics(this.#pairs),
    };
  }
}

/** The tally of a report's tasks (a run's or one wave's): those not finished count as pending. */
export function tallyTasks(tasks: ReadonlyArray<{ status: string; attempts: readonly unknown[]; predicted_success_probability: number }>): TaskTally {
  const tally = new TaskTally(tasks.length);
  for (const t of tasks) if (isFinished(t)) tally.add(t.status, t.attempts.length, t.predicted_success_probability);
  return tally;
}
