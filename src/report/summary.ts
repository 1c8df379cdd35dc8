/** The run-level summary of a RunReport, derived from its waves and tasks. */
import { isFinished } from "../core";
import { ANOMALY_TYPES, type AnomalyType, type Severity } from "../monitor";
import { TaskTally } from "./tally";
import type { ReportSummary, RunReport } from "./types";

function summarize(parts: Omit<RunReport, "summary">): ReportSummary {
  const { waves, tasks, run } = parts;
  const tally = new TaskTally(tasks.length);
  for (const t of tasks) if (isFinished(t)) tally.add(t.status, t.attempts.length, t.predicted_success_probability);
  const figures = tally.figures(waves.map((w) => w.health.health_score));
  const anomalies = waves.flatMap((w) => w.anomalies);
  const by_type = Object.fromEntries(ANOMALY_TYPES.map((type) => [type, 0])) as Record<AnomalyType, number>;
  const by_severity: Record<Severity, number> = { HIGH: 0, MEDIUM: 0, LOW: 0 };
  for (const a of anomalies) {
    by_type[a.anomaly_type]++;
    by_severity[a.severity]++;
  }
  const decisions = tasks.flatMap((t) => t.gate_decisions);
  return {
    ...figures,
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
