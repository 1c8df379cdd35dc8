/**
 * Joining a wave's per-agent rows into one Task per task_id (SPEC 2.2): agent_predictions from
 * the per-agent rows, the task's probability their mean, the wave from the directory and the
 * priority from the schedule.
 */
import { deriveRisk, type Task } from "../../core";
import { TASK_DEFAULTS } from "../schema";
import type { PredictionRow, ScheduleRow } from "./rows";

/**
 * The mean, finite for any finite values: when the plain sum overflows (deltas near ±1.8e308 are
 * valid JSON numbers), the sum of x / n, whose terms are each no larger than |x|, cannot.
 */
function meanOf(xs: readonly number[]): number {
  const sum = xs.reduce((s, x) => s + x, 0);
  return Number.isFinite(sum) ? sum / xs.length : xs.reduce((s, x) => s + x / xs.length, 0);
}
/**
 * 6 decimals: the mean of 0.725 four times should read 0.725, not 0.7249999999999999. Beyond
 * 1e9 a double has no decimals left to tidy, and x × 1e6 could overflow to Infinity.
 */
const tidy = (x: number) => (Math.abs(x) >= 1e9 ? x : Math.round(x * 1e6) / 1e6);
const defined = <T>(xs: ReadonlyArray<T | undefined>): T[] => xs.filter((x): x is T => x !== undefined);

/**
 * One task from its rows. `predictions` is non-empty and all share the task_id.
 * - predicted_execution_time: mean of the agents' estimates, else of the scheduled durations.
 * - risk_assessment: the agents' rows' value when they all agree; otherwise derived from the
 *   mean probability with the thresholds Phase 20 itself used (≥ 0.85 LOW, ≥ 0.70 MEDIUM), as
 *   Phase 20 derives each row's risk from that row's probability.
 * - priority: the most urgent the schedule gives, else the task file default.
 */
export function joinTask(wave: number, seq: number, predictions: readonly PredictionRow[], schedule: readonly ScheduleRow[]): Task {
  const p = tidy(meanOf(predictions.map((r) => r.p)));
  const times = defined(predictions.map((r) => r.predicted_execution_time));
  const durations = defined(schedule.map((r) => r.duration));
  const risks = defined(predictions.map((r) => r.risk_assessment));
  const priorities = defined(schedule.map((r) => r.priority));
  const deltas = defined(predictions.map((r) => r.confidence_delta_estimate));
  const scheduledDeltas = defined(schedule.map((r) => r.predicted_confidence_delta));
  const meta: Record<string, unknown> = {};
  // Phase 20's confidence deltas have no buddy meaning; kept (as means) for tools that read them.
  if (deltas.length > 0) meta.confidence_delta_estimate = tidy(meanOf(deltas));
  if (scheduledDeltas.length > 0) meta.predicted_confidence_delta = tidy(meanOf(scheduledDeltas));
  return {
    task_id: predictions[0]!.task_id,
    seq,
    wave,
    priority: priorities.length > 0 ? Math.min(...priorities) : TASK_DEFAULTS.priority,
    predicted_success_probability: p,
    predicted_execution_time:
      times.length > 0 ? tidy(meanOf(times)) : durations.length > 0 ? tidy(meanOf(durations)) : TASK_DEFAULTS.predicted_execution_time,
    risk_assessment: risks.length === predictions.length && risks.every((r) => r === risks[0]) ? risks[0]! : deriveRisk(p),
    agent_predictions: Object.fromEntries(predictions.map((r) => [r.agent_id, r.p])),
    uses: [],
    meta,
  };
}
