/** The anomaly, sandbox-violation and learning-signal tables, the same wherever they are shown. */
import type { RunReport } from "./types";

export const ANOMALY_HEAD = ["Wave", "Severity", "Type", "Description", "Agents", "Recommendation"] as const;

export const anomalyRows = (r: RunReport): string[][] =>
  r.waves.flatMap((w) => w.anomalies).map((a) => [String(a.wave), a.severity, a.anomaly_type, a.description, a.affected_agents.join(", ") || "—", a.recommendation]);

export const VIOLATION_HEAD = ["Time", "Task", "Attempt", "Violation", "Details", "Code"] as const;

export const violationRows = (r: RunReport): string[][] =>
  r.violations.map((v) => [v.timestamp, v.task_id, String(v.attempt), v.violation_type, v.details, v.code_preview]);

export const SIGNAL_HEAD = ["Wave", "Signal", "Phase", "Confidence", "Recommendations"] as const;

/** Every wave's learning signals (SPEC 7), their advice in one cell. */
export const signalRows = (r: RunReport): string[][] =>
  r.waves.flatMap((w) => w.signals).map((s) => [String(s.wave), s.signal_type, String(s.target_phase), String(s.confidence), s.recommendations.join(" · ") || "—"]);
