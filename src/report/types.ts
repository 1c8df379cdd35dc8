/**
 * RunReport: everything the reports and the `--out` files are made from. The harness (or
 * `buddy report`, from the store) assembles the parts and `buildRunReport` adds the summary;
 * every output format is then a pure function of this one value.
 */
import type { Assignment, AttemptError, Risk, TaskStatus, ViolationFields, WaveObservation } from "../core";
import type { Calibration, Signal } from "../feedback";
import type { CoordinationPlan, GateDecision } from "../manager";
import type { Anomaly, AnomalyType, HealthStatus, Severity, Trajectory, WaveHealth } from "../monitor";

export interface ReportRun {
  run_id: string;
  /** completed | failed | halted | interrupted, or running for a report taken mid-run. */
  status: string;
  /** The input as given: a path, a directory or "-". */
  input: string;
  seed: number;
  /** The resolved run options (strategy, agents, live, …). */
  options: Record<string, unknown>;
  /** Epoch milliseconds. */
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export type ReportAssignment = Assignment;

export interface ReportWave {
  wave: number;
  observation: WaveObservation;
  plan: CoordinationPlan;
  assignments: ReportAssignment[];
  health: WaveHealth;
  anomalies: Anomaly[];
  signals: Signal[];
  calibration: Calibration;
  confidence_trajectory: Trajectory;
  /** Agents the monitor marked failed for the next wave. */
  failed_next_wave: string[];
}

export interface ReportAttempt {
  attempt: number;
  agent_id: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  status: "running" | "succeeded" | "failed";
  error: AttemptError | null;
  /** Captured console lines; the JUnit file shows the last attempt's as system-out. */
  console?: string[];
}

export interface ReportTask {
  task_id: string;
  wave: number;
  agent_id: string | null;
  /** Final status, or pending/running in a report of an unfinished run. */
  status: TaskStatus | "pending" | "running";
  predicted_success_probability: number;
  priority: number;
  risk_assessment: Risk;
  predicted_execution_time: number;
  simulated: boolean;
  attempts: ReportAttempt[];
  /** The code's return value (succeeded only). */
  result?: unknown;
  error: AttemptError | null;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  gate_decisions: GateDecision[];
  meta?: Record<string, unknown>;
}

/** SPEC 5's violation record, as written to sandbox_violation_log.jsonl. */
export interface ViolationEntry extends ViolationFields {
  /** ISO 8601. */
  timestamp: string;
}

export interface ReportTotals {
  tasks: number;
  succeeded: number;
  failed: number;
  rejected: number;
  /** Not final yet (an interrupted run). */
  pending: number;
  attempts: number;
  retries: number;
}

export interface ReportSummary {
  totals: ReportTotals;
  /** succeeded / final tasks; null before any task is final. */
  success_rate: number | null;
  /** Mean of the waves' health scores (as the original reported it); null without waves. */
  health_score: number | null;
  health_status: HealthStatus | null;
  confidence_trajectory: Trajectory;
  /** Over every task that ran (rejected tasks never tested their prediction). */
  calibration: Calibration;
  anomalies: { total: number; by_type: Record<AnomalyType, number>; by_severity: Record<Severity, number> };
  signals: number;
  steals: number;
  violations: number;
  gates: { evaluated: number; would_reject: number; rejected: number };
  duration_ms: number | null;
}

export interface RunReport {
  /** ISO-8601 time the report was made. */
  generated_at: string;
  run: ReportRun;
  summary: ReportSummary;
  waves: ReportWave[];
  tasks: ReportTask[];
  violations: ViolationEntry[];
}
