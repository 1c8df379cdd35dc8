/** The run-level summary of a RunReport, derived from its waves and tasks. */
import { ANOMALY_TYPES, type AnomalyType, type Severity } from "../monitor";
import type { Totals } from "../records";
import { pct } from "./format";
import { tallyTasks } from "./tally";
import type { ReportSummary, RunReport } from "./types";
import { waveCounts } from "./waves";

/**
 * The tasks in one sentence: the rate over the tasks that finished and the rest counted apart,
 * so an interrupted run reads "93 of 99 finished tasks succeeded (93.9 %), 201 not run" and never
 * "93 of 300 tasks succeeded (93.9 %)".
 */
function headline(t: Totals, successRate: number | null): string {
  const finished = t.tasks - t.pending;
  if (t.tasks === 0) return "the run has no tasks";
  if (finished === 0) return `no task finished, ${t.pending} not run`;
  const succeeded = `${t.succeeded} of ${finished} ${t.pending > 0 ? "finished " : ""}tasks succeeded (${pct(successRate)})`;
  return t.pending > 0 ? `${succeeded}, ${t.pending} not run` : succeeded;
}

function summarize(parts: Omit<RunReport, "summary">): ReportSummary {
  const { waves, tasks, run } = parts;
  const tally = tallyTasks(tasks);
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
    headline: headline(figures.totals, figures.success_rate),
    ...figures,
    finished: tally.finished,
    waves: waveCounts(parts),
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
