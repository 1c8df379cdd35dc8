/**
 * RunReport: everything the reports and the `--out` files are made from. `loadRunReport`
 * (src/harness/report-data.ts) assembles the parts from the store and `buildRunReport` adds the
 * summary; every output format is then a pure function of this one value. The parts that the
 * JSON report prints as they are have their schema in ./schema.ts, and their types come from it.
 */
import type { Static } from "@sinclair/typebox";
import type { RunOptions } from "../config";
import type { Assignment, CoordinationPlan, WaveObservation } from "../core";
import type { Calibration, Signal } from "../feedback";
import type { Anomaly, Trajectory, WaveHealth } from "../monitor";
import type { ReportAttemptSchema, ReportSummarySchema, ReportTaskSchema, ViolationEntrySchema } from "./schema";

interface ReportRun {
  run_id: string;
  /** completed | failed | halted | interrupted, or running for a report taken mid-run. */
  status: string;
  /** The input as given: a path, a directory or "-". */
  input: string;
  seed: number;
  options: RunOptions;
  /** Epoch milliseconds. */
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface ReportWave {
  wave: number;
  observation: WaveObservation;
  plan: CoordinationPlan;
  assignments: Assignment[];
  health: WaveHealth;
  anomalies: Anomaly[];
  signals: Signal[];
  calibration: Calibration;
  confidence_trajectory: Trajectory;
  /** Agents the monitor marked failed for the next wave. */
  failed_next_wave: string[];
}

export type ReportAttempt = Static<typeof ReportAttemptSchema>;
export type ReportTask = Static<typeof ReportTaskSchema>;
/** SPEC 5's violation record, as written to sandbox_violation_log.jsonl. */
type ViolationEntry = Static<typeof ViolationEntrySchema>;
export type ReportSummary = Static<typeof ReportSummarySchema>;

export interface RunReport {
  /** ISO-8601 time the report was made. */
  generated_at: string;
  run: ReportRun;
  summary: ReportSummary;
  waves: ReportWave[];
  tasks: ReportTask[];
  violations: ViolationEntry[];
}
