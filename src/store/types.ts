/**
 * The Store: every run's durable state, behind domain operations so that a PostgreSQL
 * implementation can follow the SQLite one (SPEC 9.1, 11). No SQL lives outside
 * `src/store/<backend>/`.
 */
import type { Assignment, AttemptError, Task, TaskStatus, ViolationFields } from "../core";

export type RunStatus = "ingesting" | "running" | "completed" | "failed" | "interrupted" | "halted";
export type TaskState = "pending" | "running" | TaskStatus;

export interface NewRun {
  run_id: string;
  created_at: number;
  /** What the user gave: a path, or "-" for stdin. */
  input: string;
  /** sha256 of the input bytes, so a resumed run can check it runs the same input. */
  input_hash: string;
  seed: number;
  /** The resolved run options (JSON-serialisable), so `resume` continues with the same ones. */
  options: Record<string, unknown>;
}

export interface RunRow extends NewRun {
  status: RunStatus;
  started_at: number | null;
  ended_at: number | null;
  task_count: number;
  wave_count: number;
  /** The final `summary` record, once the run has one. */
  summary: Record<string, unknown> | null;
}

export interface TaskRow {
  run_id: string;
  task: Task;
  state: TaskState;
  agent_id: string | null;
  attempts: number;
  /** JSON text of the code's return value when succeeded. */
  result_json: string | null;
  error: AttemptError | null;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
}

export interface AttemptRow {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string;
  state: "running" | "succeeded" | "failed";
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  result_json: string | null;
  error: AttemptError | null;
  console: string[];
  console_truncated: boolean;
}

export interface AssignmentRow extends Assignment {
  run_id: string;
}

/** One touch of a blocked name by an attempt (SPEC 5 "violation log"). */
export interface ViolationRow extends ViolationFields {
  /** When the attempt that made it ended, in ms since the epoch. */
  timestamp: number;
}

export interface WaveRow {
  run_id: string;
  wave: number;
  /** The `wave` output record as printed. */
  record: Record<string, unknown>;
}

/** One safety-gate decision before an attempt (SPEC 4.3). */
export interface GateDecisionRow {
  run_id: string;
  task_id: string;
  attempt: number;
  gate: string;
  decision: "pass" | "reject" | "would_reject";
  reason: string;
}

/** A feedback signal or a monitor anomaly of one wave, kept as the document it was emitted as. */
export interface WaveDocumentRow {
  run_id: string;
  wave: number;
  id: string;
  document: Record<string, unknown>;
}

/** One state change. Writes are applied in batches, each batch in one transaction. */
export type StoreWrite =
  | { kind: "run_started"; run_id: string; at: number }
  | { kind: "assignment"; row: AssignmentRow }
  | { kind: "attempt_started"; run_id: string; task_id: string; attempt: number; agent_id: string; at: number }
  | {
      kind: "attempt_ended";
      run_id: string;
      task_id: string;
      attempt: number;
      at: number;
      duration_ms: number;
      result_json: string | null;
      error: AttemptError | null;
      console: string[];
      console_truncated: boolean;
    }
  | {
      kind: "task_final";
      run_id: string;
      task_id: string;
      state: TaskStatus;
      agent_id: string;
      attempts: number;
      result_json: string | null;
      error: AttemptError | null;
      started_at: number;
      ended_at: number;
      duration_ms: number;
    }
  | { kind: "violation"; row: ViolationRow }
  /** The decisions of every gate before one attempt. */
  | { kind: "gate_decisions"; rows: GateDecisionRow[] }
  | { kind: "signal"; row: WaveDocumentRow }
  | { kind: "anomaly"; row: WaveDocumentRow }
  | { kind: "provider_state"; run_id: string; state: unknown }
  | { kind: "wave_ended"; row: WaveRow }
  | { kind: "run_ended"; run_id: string; status: RunStatus; at: number; summary: Record<string, unknown> };

/** A run being ingested: invisible to every reader until `commit`, gone after `abort`. */
export interface RunIngest {
  addTask(task: Task): void;
  commit(): void;
  abort(): void;
}

export interface Store {
  /** Where the store lives, for the `db` field of the summary. */
  readonly location: string;
  beginRun(run: NewRun): RunIngest;
  apply(writes: readonly StoreWrite[]): void;
  getRun(run_id: string): RunRow | undefined;
  /**
   * Newest first.
   * @param limit at most this many runs; @default 50
   */
  listRuns(limit?: number): RunRow[];
  /** Ascending wave numbers of a run's tasks. */
  waves(run_id: string): number[];
  /** The tasks of one wave, in input order. */
  tasksOfWave(run_id: string, wave: number): TaskRow[];
  tasks(run_id: string): TaskRow[];
  attempts(run_id: string, task_id?: string): AttemptRow[];
  assignments(run_id: string, wave?: number): AssignmentRow[];
  waveRecords(run_id: string): WaveRow[];
  /** Sandbox violations of one run, or of all runs when omitted: by time, then as recorded. */
  violations(run_id?: string): ViolationRow[];
  /** Gate decisions of a run, by task, attempt and gate. */
  gateDecisions(run_id: string): GateDecisionRow[];
  /** Signals of a run, by wave then as recorded. */
  signals(run_id: string): WaveDocumentRow[];
  /** Anomalies of a run, by wave then as recorded. */
  anomalies(run_id: string): WaveDocumentRow[];
  /** The run's provider mock state, if it has one. */
  providerState(run_id: string): unknown;
  close(): void;
}
