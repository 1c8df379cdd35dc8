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

/**
 * A wave the run stopped in (a stop signal, --fail-fast, a crash): tasks of it ran, but the wave
 * never concluded, so it has no health, plan, anomalies or signals. The reports still show it,
 * marked cut off, so that what ran is never missing from them.
 */
export interface CutOffWave {
  wave: number;
  /**
   * Its finished tasks, and each agent's busy time over every attempt of the wave that ended
   * (those of tasks left unfinished too: the agent spent that time).
   */
  observation: Omit<WaveObservation, "plan" | "steals">;
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
  /** Concluded waves, ascending. */
  waves: ReportWave[];
  /** Waves the run stopped in, ascending; a wave no task of which ran is in neither list. */
  cut_off_waves: CutOffWave[];
  tasks: ReportTask[];
  violations: ViolationEntry[];
}
