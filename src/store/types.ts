/**
 * The Store: every run's durable state, behind domain operations so that a PostgreSQL
 * implementation can follow the SQLite one (SPEC 9.1, 11). No SQL lives outside
 * `src/store/<backend>/`.
 */
import type { RunOptions } from "../config";
import type { Signal } from "../feedback";
import type { Anomaly } from "../monitor";
import type { Assignment, AttemptError, FinishedTask, GateDecision, Task, ViolationFields } from "../core";
import type { SummaryRecord, WaveRecord } from "../records";

export type RunStatus = "ingesting" | "running" | "completed" | "failed" | "interrupted" | "halted";

export interface NewRun {
  run_id: string;
  created_at: number;
  /** What the user gave: a path, or "-" for stdin. */
  input: string;
  /** sha256 of the input bytes, so a resumed run can check it runs the same input. */
  input_hash: string;
  seed: number;
  /** The resolved run options, so `resume` continues with the same ones. */
  options: RunOptions;
}

export interface RunRow extends NewRun {
  status: RunStatus;
  started_at: number | null;
  ended_at: number | null;
  task_count: number;
  wave_count: number;
  /** The final `summary` record, once the run has one. */
  summary: SummaryRecord | null;
}

/** A task that has not reached its final state: not attempted yet, or attempted and not done. */
interface UnfinishedTask {
  task: Task;
  status: "pending" | "running";
  /** The agent of its latest assignment or attempt, once it has one. */
  agent_id: string | null;
  /** Attempts started so far (one in flight when a process died counts). */
  attempts: number;
}

/** A task as the store holds it. */
export type StoredTask = UnfinishedTask | FinishedTask;

export interface AttemptRow {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string;
  status: "running" | "succeeded" | "failed";
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
  record: WaveRecord;
}

/** A feedback signal or a monitor anomaly of one wave, kept as the document it was emitted as. */
export interface WaveDocumentRow<T> {
  run_id: string;
  wave: number;
  id: string;
  document: T;
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
  /** Its attempt durations are those of its `attempt_ended` writes. */
  | { kind: "task_finished"; run_id: string; finished: FinishedTask }
  | { kind: "violation"; row: ViolationRow }
  /** The decisions of every gate before one attempt. */
  | { kind: "gate_decisions"; run_id: string; decisions: GateDecision[] }
  | { kind: "signal"; row: WaveDocumentRow<Signal> }
  | { kind: "anomaly"; row: WaveDocumentRow<Anomaly> }
  | { kind: "provider_state"; run_id: string; state: unknown }
  | { kind: "wave_ended"; row: WaveRow }
  | { kind: "run_ended"; run_id: string; status: RunStatus; at: number; summary: SummaryRecord };

/** A run being ingested: invisible to every reader until `commit`, gone after `abort`. */
export interface RunIngest {
  addTask(task: Task): void;
  commit(): void;
  abort(): void;
}

/** Who holds, or claims, a run's lease: one process on one host. */
export interface LeaseHolder {
  /** Random per process, so two holders are told apart even when a pid is reused. */
  owner: string;
  host: string;
  pid: number;
  /**
   * When the process started, as the OS says (Linux: boot id and start tick), or null where
   * unknown: a live pid with another start time is another process that reused the pid.
   */
  process_started: string | null;
}

/** A run's current lease. Times are the backend's clock, in ms since the epoch. */
export interface LeaseRow extends LeaseHolder {
  run_id: string;
  /** The fencing token: grows by one on every acquisition, so a stale holder's writes are refused. */
  token: number;
  acquired_at: number;
  heartbeat_at: number;
}

export interface LeaseClaim {
  holder: LeaseHolder;
  /** A lease whose heartbeat is older than this is taken over. */
  period_ms: number;
  /**
   * Whether the current holder is known to be dead (on this host, its process is gone): its
   * lease is then taken over at once. Called inside the acquiring transaction.
   */
  holderIsDead(current: LeaseRow): boolean;
}

/** Proof of holding a run's lease: fenced writes and renewals carry it. */
export interface Lease {
  run_id: string;
  owner: string;
  token: number;
}

export interface LeaseGrant {
  lease: Lease;
  /** The lease this one took over (a dead or silent holder), or null when it was free. */
  took_over: LeaseRow | null;
}

/**
 * The Store. Lease contract (SPEC 9.1, carried over to PostgreSQL in SPEC 11): `acquireLease`
 * is atomic (two claimants racing never both win), throws a STORE error naming the live holder's
 * host and pid, and takes over a dead or silent holder's lease with a larger token.
 * `apply(writes, lease)` commits only while `lease` is still the run's current lease, and every
 * fenced commit renews it; otherwise nothing of the batch is written and it throws a STORE error.
 */
export interface Store {
  /** Where the store lives, for the `db` field of the summary. */
  readonly location: string;
  beginRun(run: NewRun): RunIngest;
  /** All of `writes` in one transaction, or none; with `fence`, only while that lease is current. */
  apply(writes: readonly StoreWrite[], fence?: Lease): void;
  acquireLease(run_id: string, claim: LeaseClaim): LeaseGrant;
  /** Renews the heartbeat; throws a STORE error when the lease was taken over. */
  renewLease(lease: Lease): void;
  /** Frees the lease for the next claimant; does nothing when it is no longer this lease. */
  releaseLease(lease: Lease): void;
  /** The run's lease while someone holds it. */
  currentLease(run_id: string): LeaseRow | undefined;
  getRun(run_id: string): RunRow | undefined;
  /**
   * Newest first.
   * @param limit at most this many runs; @default 50
   */
  listRuns(limit?: number): RunRow[];
  /** Ascending wave numbers of a run's tasks. */
  waves(run_id: string): number[];
  /** The tasks of one wave, in input order. */
  tasksOfWave(run_id: string, wave: number): StoredTask[];
  /** Every task of a run, in input order. */
  tasks(run_id: string): StoredTask[];
  attempts(run_id: string, task_id?: string): AttemptRow[];
  assignments(run_id: string, wave?: number): AssignmentRow[];
  waveRecords(run_id: string): WaveRow[];
  /** Sandbox violations of one run, or of all runs when omitted: by time, then as recorded. */
  violations(run_id?: string): ViolationRow[];
  /** Gate decisions of a run, by task, attempt and gate. */
  gateDecisions(run_id: string): GateDecision[];
  /** Signals of a run, by wave then as recorded. */
  signals(run_id: string): WaveDocumentRow<Signal>[];
  /** Anomalies of a run, by wave then as recorded. */
  anomalies(run_id: string): WaveDocumentRow<Anomaly>[];
  /** The run's provider mock state, if it has one. */
  providerState(run_id: string): unknown;
  close(): void;
}
