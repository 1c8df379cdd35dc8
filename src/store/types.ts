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
import type { WorkQueue } from "./queue";

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

/**
 * One state change. Writes are applied in batches, each batch in one transaction. A write that
 * names a run, task or attempt the store does not have fails its whole batch.
 */
export type StoreWrite =
  /** The run is running (again): a resumed run keeps its first start and has not ended. */
  | { kind: "run_started"; run_id: string; at: number }
  /** One assignment per task: assigning it again (a resumed wave) replaces it. */
  | { kind: "assignment"; row: AssignmentRow }
  /** The task runs on `agent_id`; starting an attempt again (its process crashed) starts it afresh. */
  | { kind: "attempt_started"; run_id: string; task_id: string; attempt: number; agent_id: string; at: number }
  /** The attempt failed when `error` is set, else succeeded. */
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
  /** The decisions of every gate before one attempt, in the order the gates ran; replaces that attempt's. */
  | { kind: "gate_decisions"; run_id: string; decisions: GateDecision[] }
  /** A signal of the run; one with the same id replaces it. */
  | { kind: "signal"; row: WaveDocumentRow<Signal> }
  /** An anomaly of the run; one with the same id replaces it. */
  | { kind: "anomaly"; row: WaveDocumentRow<Anomaly> }
  /** The run's whole provider mock state, replacing the last. */
  | { kind: "provider_state"; run_id: string; state: unknown }
  /** A wave's record; a wave ended again (a resume) replaces it. */
  | { kind: "wave_ended"; row: WaveRow }
  | { kind: "run_ended"; run_id: string; status: RunStatus; at: number; summary: SummaryRecord };

/**
 * A run being ingested: invisible to every reader until `commit`, gone after `abort` (its run id
 * can then be ingested again). While it is open, every other call on the Store that began it
 * throws an INTERNAL error: it would run inside the half-written run's transaction.
 */
export interface RunIngest {
  /** Throws a STORE error naming the task when the run already has a task with its id. */
  addTask(task: Task): Promise<void>;
  /** Makes the run visible with status "running"; afterwards addTask and commit throw INTERNAL. */
  commit(): Promise<void>;
  /** Discards the run; does nothing after commit or abort, so it can sit in a `finally`. */
  abort(): Promise<void>;
}

/** A file on this machine that holds part of a store. */
export interface StoreFile {
  path: string;
  /** How messages name it after "the store's": "database", "wal file", … */
  name: string;
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
 * host and pid (or for a run the store does not have), and takes over a dead or silent holder's
 * lease with a larger token; a token is never reused, not even after a release.
 * `apply(writes, lease)` commits only while `lease` is still the run's current lease, and every
 * fenced commit renews it; otherwise nothing of the batch is written and it throws a STORE error.
 * Every Store handle on the same store sees what any of them committed, on its next call.
 * Lists are ordered as their comments say, so every backend prints the same records; a run or
 * task the store does not have reads as undefined or an empty list.
 */
export interface Store {
  /** Where the store lives as the user names it (never with a password): for messages and the summary's `db` field. */
  readonly location: string;
  /**
   * The local files holding the store, which a run's `--out` and `--junit` must never replace;
   * none for a store on a server.
   */
  readonly files: readonly StoreFile[];
  /** The work queue that spreads a run's attempts over workers on many machines (SPEC 11): a server backend's only. */
  readonly queue?: WorkQueue;
  /** Throws a STORE error naming the run when its id is already in the store. */
  beginRun(run: NewRun): Promise<RunIngest>;
  /**
   * All of `writes` in one transaction, or none (a failing write throws a STORE error and undoes
   * the batch); with `fence`, only while that lease is current. An empty fenced batch only renews.
   */
  apply(writes: readonly StoreWrite[], fence?: Lease): Promise<void>;
  acquireLease(run_id: string, claim: LeaseClaim): Promise<LeaseGrant>;
  /** Renews the heartbeat; throws a STORE error when the lease was taken over. */
  renewLease(lease: Lease): Promise<void>;
  /** Frees the lease for the next claimant; does nothing when it is no longer this lease. */
  releaseLease(lease: Lease): Promise<void>;
  /** The run's lease while someone holds it. */
  currentLease(run_id: string): Promise<LeaseRow | undefined>;
  getRun(run_id: string): Promise<RunRow | undefined>;
  /**
   * Newest first by `created_at`; of runs created in the same millisecond, the one ingested last.
   * @param limit at most this many runs; @default 50
   */
  listRuns(limit?: number): Promise<RunRow[]>;
  /** Distinct wave numbers of a run's tasks, ascending. */
  waves(run_id: string): Promise<number[]>;
  /** The tasks of one wave, in input order. */
  tasksOfWave(run_id: string, wave: number): Promise<StoredTask[]>;
  /** A run's tasks in input order. */
  tasks(run_id: string): Promise<StoredTask[]>;
  /** A run's attempts (or one task's), by task in input order, then attempt number. */
  attempts(run_id: string, task_id?: string): Promise<AttemptRow[]>;
  /** A run's assignments (or one wave's), by wave, then task in input order; one per task. */
  assignments(run_id: string, wave?: number): Promise<AssignmentRow[]>;
  /** A run's wave records, one per wave, ascending. */
  waveRecords(run_id: string): Promise<WaveRow[]>;
  /** Sandbox violations of one run, or of all runs when omitted: by time, then as recorded. */
  violations(run_id?: string): Promise<ViolationRow[]>;
  /** Gate decisions of a run: by task in input order, then attempt, then in the order the gates ran. */
  gateDecisions(run_id: string): Promise<GateDecision[]>;
  /** Signals of a run, by wave then as recorded. */
  signals(run_id: string): Promise<WaveDocumentRow<Signal>[]>;
  /** Anomalies of a run, by wave then as recorded. */
  anomalies(run_id: string): Promise<WaveDocumentRow<Anomaly>[]>;
  /** The run's provider mock state, if it has one. */
  providerState(run_id: string): Promise<unknown>;
  /** Idempotent; an open ingest is aborted, never committed. Afterwards every call throws INTERNAL. */
  close(): Promise<void>;
}
