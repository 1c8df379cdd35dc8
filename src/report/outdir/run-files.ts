/** The run-level files of `--out` (SPEC 9.2): phase21_*, the phase feedback files, reports. */
import { signalsForPhase } from "../../feedback";
import { runAgents } from "../agents";
import { isoOrDash, json, jsonl } from "../format";
import { htmlReport } from "../html/page";
import { markdownReport } from "../markdown";
import type { RunReport } from "../types";
import type { OutFile } from "./types";

/** Which phase's feedback file each signal goes to (SPEC 7: 16 heuristics, 18 agents, 20 predictions). */
const FEEDBACK_PHASES = [16, 18, 20] as const;

function executionSummary(r: RunReport) {
  const s = r.summary;
  return {
    run_id: r.run.run_id,
    status: r.run.status,
    total_tasks: s.totals.tasks,
    completed_tasks: s.totals.succeeded,
    failed_tasks: s.totals.failed,
    rejected_tasks: s.totals.rejected,
    unfinished_tasks: s.totals.pending,
    waves: r.waves.length,
    start_time: isoOrDash(r.run.started_at),
    end_time: isoOrDash(r.run.ended_at),
    execution_time_seconds: s.duration_ms === null ? null : s.duration_ms / 1000,
    overall_success_rate: s.success_rate,
    system_health: s.health_score,
    health_status: s.health_status,
    confidence_trajectory: s.confidence_trajectory,
    anomalies_detected: s.anomalies.total,
    learning_signals_generated: s.signals,
    sandbox_violations: s.violations,
    totals: s.totals,
    calibration: s.calibration,
    gates: s.gates,
    seed: r.run.seed,
    options: r.run.options,
    per_agent_metrics: runAgents(r),
  };
}

function systemHealth(r: RunReport) {
  return {
    health_score: r.summary.health_score,
    health_status: r.summary.health_status,
    confidence_trajectory: r.summary.confidence_trajectory,
    waves: r.waves.map((w) => ({
      wave: w.wave,
      health_score: w.health.health_score,
      health_status: w.health.health_status,
      metrics: w.health.metrics,
      anomalies: w.anomalies,
    })),
  };
}

export function runFiles(r: RunReport): OutFile[] {
  const signals = r.waves.flatMap((w) => w.signals);
  return [
    { path: "phase21_system_health.json", content: json(systemHealth(r)) },
    { path: "phase21_execution_summary.json", content: json(executionSummary(r)) },
    { path: "phase21_learning_signals.jsonl", content: jsonl(signals) },
    ...FEEDBACK_PHASES.map((phase) => ({ path: `phase${phase}/phase21_feedback.jsonl`, content: jsonl(signalsForPhase(signals, phase)) })),
    { path: "PHASE_21_AUTONOMOUS_EXECUTION.md", content: markdownReport(r) },
    { path: "report.html", content: htmlReport(r) },
    { path: "sandbox_violation_log.jsonl", content: jsonl(r.violations) },
  ];
}
