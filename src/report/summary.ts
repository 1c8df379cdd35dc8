/** The run-level summary of a RunReport, derived from its waves and tasks. */
import type { WaveObservation } from "../core";
import { calibrate, predictionPairs, type Signal } from "../feedback";
import type { CoordinationPlan } from "../manager";
import { ANOMALY_TYPES, confidenceTrajectory, healthStatus, type AnomalyType, type Severity, type WaveVerdict } from "../monitor";
import type { ReportAssignment, ReportSummary, ReportTask, ReportTotals, ReportWave, RunReport } from "./types";

const FINAL = new Set(["succeeded", "failed", "rejected"]);

function totalsOf(tasks: readonly ReportTask[]): ReportTotals {
  const t: ReportTotals = { tasks: tasks.length, succeeded: 0, failed: 0, rejected: 0, pending: 0, attempts: 0, retries: 0 };
  for (const task of tasks) {
    if (task.status === "pending" || task.status === "running") t.pending++;
    else t[task.status]++;
    t.attempts += task.attempts.length;
    t.retries += Math.max(0, task.attempts.length - 1);
  }
  return t;
}

export function summarize(parts: Omit<RunReport, "summary">): ReportSummary {
  const { waves, tasks, run } = parts;
  const totals = totalsOf(tasks);
  const final = tasks.filter((t) => FINAL.has(t.status)).length;
  const scores = waves.map((w) => w.health.health_score);
  const health_score = scores.length === 0 ? null : scores.reduce((s, x) => s + x, 0) / scores.length;
  const anomalies = waves.flatMap((w) => w.anomalies);
  const by_type = Object.fromEntries(ANOMALY_TYPES.map((type) => [type, 0])) as Record<AnomalyType, number>;
  const by_severity: Record<Severity, number> = { HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const a of anomalies) {
    by_type[a.anomaly_type]++;
    by_severity[a.severity]++;
  }
  const decisions = tasks.flatMap((t) => t.gate_decisions);
  const ran = tasks.filter((t) => t.status === "succeeded" || t.status === "failed");
  return {
    totals,
    success_rate: final === 0 ? null : totals.succeeded / final,
    health_score,
    health_status: health_score === null ? null : healthStatus(health_score),
    confidence_trajectory: confidenceTrajectory(scores.map((s) => s / 100)),
    calibration: calibrate(ran.map((t) => ({ p: t.predicted_success_probability, outcome: t.status === "succeeded" ? 1 : 0 }))),
    anomalies: { total: anomalies.length, by_type, by_severity },
    signals: waves.reduce((s, w) => s + w.signals.length, 0),
    steals: waves.reduce((s, w) => s + w.observation.steals, 0),
    violations: parts.violations.length,
    gates: {
      evaluated: decisions.length,
      would_reject: decisions.filter((d) => d.decision === "would_reject").length,
      rejected: decisions.filter((d) => d.decision === "reject").length,
    },
    duration_ms: run.started_at !== null && run.ended_at !== null ? run.ended_at - run.started_at : null,
  };
}

/** A RunReport from its parts: the summary is computed, never passed in, so it cannot disagree. */
export function buildRunReport(parts: Omit<RunReport, "summary">): RunReport {
  return { ...parts, summary: summarize(parts) };
}

/** A ReportWave from what the harness has after a wave: the monitor's verdict and the signals. */
export function reportWave(parts: {
  observation: WaveObservation;
  plan: CoordinationPlan;
  assignments: ReportAssignment[];
  verdict: WaveVerdict;
  signals: Signal[];
}): ReportWave {
  const { observation, verdict } = parts;
  return {
    wave: observation.wave,
    observation,
    plan: parts.plan,
    assignments: parts.assignments,
    health: verdict.health,
    anomalies: verdict.anomalies,
    signals: parts.signals,
    calibration: calibrate(predictionPairs(observation.tasks)),
    confidence_trajectory: verdict.confidence_trajectory,
    failed_next_wave: verdict.failed_next_wave,
  };
}
