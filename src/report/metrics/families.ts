/**
 * One run as metric families (`buddy metrics`, SPEC 1): tasks, attempts, retries, attempt
 * durations, health and calibration, by wave and by agent where a dashboard splits them. Every
 * figure comes from the RunReport, through the same tally as the `wave` and `summary` records,
 * so the metrics of a run agree with `buddy show`. Every point carries the run's `run_id`: files
 * of many runs sit side by side in one textfile directory.
 *
 * Counts are gauges, not counters: a counter's HELP and TYPE name its family without `_total` in
 * OpenMetrics and with it in the Prometheus text format that promtool and node_exporter read, so
 * no text with a counter is both. A count of one run's tasks in a state is a gauge in both (the
 * pending count falls as the others rise), and one text then passes both formats' parsers.
 */
import { forPeople, groupBy, isFinished, type TaskStatus } from "../../core";
import { TaskTally } from "../tally";
import type { ReportAttempt, ReportTask, RunReport } from "../types";
import { gauge, histogram, histogramPoint, type Labels, type MetricFamily, type Point } from "./model";

/**
 * Upper bounds of the attempt-duration buckets, in seconds: Prometheus' default buckets (5 ms to
 * 10 s, around the 5 s default timeout), 1 ms for simulated tasks, and on to the longest timeout
 * an attempt may have (1 h).
 */
const ATTEMPT_DURATION_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

const FINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "failed", "rejected"];
const ATTEMPT_OUTCOMES = ["succeeded", "failed"] as const;

/** agent_2 before agent_10, wave 2 before wave 10: the text is the same every time, and reads in order. */
const byName = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** How many items have each code, codes in order. */
const perCode = (items: ReadonlyArray<{ error: { code: string } | null }>): Array<[string, number]> =>
  [...groupBy(items, (i) => i.error!.code)].map(([code, list]): [string, number] => [code, list.length]).sort(([a], [b]) => byName(a, b));

type EndedAttempt = ReportAttempt & { status: "succeeded" | "failed"; duration_ms: number };

/** What the attempt counters count: an attempt still running (or cut off) has no outcome yet. */
const ended = (a: ReportAttempt): a is EndedAttempt => a.status !== "running" && a.duration_ms !== null;

/** Each wave's tasks and totals, counted by the one tally the `wave` records are counted with. */
function waveTotals(tasks: readonly ReportTask[]) {
  return [...groupBy(tasks, (t) => t.wave)].sort(([a], [b]) => a - b).map(([wave, ofWave]) => {
    const tally = new TaskTally(ofWave.length);
    for (const t of ofWave) if (isFinished(t)) tally.add(t.status, t.attempts.length, t.predicted_success_probability);
    return { wave: String(wave), tasks: ofWave, totals: tally.totals };
  });
}

/** The run's agents (as the waves' observations and the attempts name them) with their ended attempts. */
function agentAttempts(r: RunReport): Array<[string, EndedAttempt[]]> {
  const attempts = r.tasks.flatMap((t) => t.attempts);
  const byAgent = groupBy(attempts.filter(ended), (a) => a.agent_id);
  const ids = new Set([...r.waves.flatMap((w) => w.observation.agents.map((a) => a.agent_id)), ...attempts.map((a) => a.agent_id)]);
  return [...ids].sort(byName).map((id) => [id, byAgent.get(id) ?? []]);
}

export function runFamilies(r: RunReport): MetricFamily[] {
  const { summary, run } = r;
  const at = (labels: Record<string, string> = {}): Labels => ({ run_id: run.run_id, ...labels });
  /** A figure that does not exist yet (null) is left out, not written as 0 or NaN. */
  const known = (value: number | null): Point[] => (value === null ? [] : [{ labels: at(), value }]);
  const waves = waveTotals(r.tasks);
  const agents = agentAttempts(r);
  const unsuccessful = (tasks: readonly ReportTask[]) => tasks.filter((t) => (t.status === "failed" || t.status === "rejected") && t.error !== null);
  const anomalies = groupBy(r.waves.flatMap((w) => w.anomalies), (a) => `${a.wave} ${a.anomaly_type} ${a.severity}`);

  // Rounded as every figure buddy prints (SPEC 3: 4 decimals), which keeps whole ms in seconds exact.
  return forPeople([
    gauge("buddy_run_status", "1 for the status the run is in: running, completed, failed, halted or interrupted.", [{ labels: at({ status: run.status }), value: 1 }]),
    gauge("buddy_run_duration_seconds", "Wall time of the run from its start to its end; absent while it has not ended.",
      known(summary.duration_ms === null ? null : summary.duration_ms / 1000), "seconds"),
    gauge("buddy_tasks", "Tasks that reached a final state, by wave and status: succeeded, failed or rejected.",
      waves.flatMap(({ wave, totals }) => FINAL_STATUSES.map((status) => ({ labels: at({ wave, status }), value: totals[status] })))),
    gauge("buddy_tasks_pending", "Tasks not finished, by wave: not run yet, running, or cut off by an interruption or --fail-fast.",
      waves.map(({ wave, totals }) => ({ labels: at({ wave }), value: totals.pending }))),
    gauge("buddy_task_errors", "Tasks that failed or were rejected, by wave and the code of their final error.",
      waves.flatMap(({ wave, tasks }) => perCode(unsuccessful(tasks)).map(([code, value]) => ({ labels: at({ wave, code }), value })))),
    gauge("buddy_retries", "Attempts after the first, of the finished tasks, by wave.", waves.map(({ wave, totals }) => ({ labels: at({ wave }), value: totals.retries }))),
    gauge("buddy_attempts", "Attempts that ended, by agent and outcome: succeeded or failed.",
      agents.flatMap(([agent_id, done]) => ATTEMPT_OUTCOMES.map((status) => ({ labels: at({ agent_id, status }), value: done.filter((a) => a.status === status).length })))),
    gauge("buddy_attempt_errors", "Failed attempts, by agent and error code.",
      agents.flatMap(([agent_id, done]) => perCode(done.filter((a) => a.error !== null)).map(([code, value]) => ({ labels: at({ agent_id, code }), value })))),
    histogram("buddy_attempt_duration_seconds", "Duration of the attempts that ended, by agent.", "seconds",
      agents.map(([agent_id, done]) => histogramPoint(at({ agent_id }), done.map((a) => a.duration_ms), ATTEMPT_DURATION_BUCKETS_S, 1000))),
    gauge("buddy_health_score", "Health score of the run, 0 to 100: the mean of its waves' scores; absent before a wave ended.", known(summary.health_score)),
    gauge("buddy_wave_health_score", "Health score of each wave that ended, 0 to 100, from success, availability, accuracy and load balance.",
      r.waves.map((w) => ({ labels: at({ wave: String(w.wave) }), value: w.health.health_score }))),
    gauge("buddy_brier_score", "Brier score of the run's predictions, the mean of (p - outcome)^2 over the tasks that ran; absent before one did.", known(summary.calibration.brier)),
    gauge("buddy_expected_calibration_error", "Expected calibration error of the run's predictions over 10 equal bins; absent before a task ran.", known(summary.calibration.ece)),
    gauge("buddy_anomalies", "Anomalies the monitor raised, by wave, type and severity.",
      [...anomalies.values()].map((list) => {
        const { wave, anomaly_type, severity } = list[0]!;
        return { labels: at({ wave: String(wave), anomaly_type, severity }), value: list.length };
      })),
  ]);
}
