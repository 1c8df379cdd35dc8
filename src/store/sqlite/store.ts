/**
 * The SQLite Store: one connection, used synchronously by one caller. The methods translate
 * every SQLite failure into a STORE error naming the file (errors.ts).
 */
import type { Database } from "bun:sqlite";
import type { GateDecision } from "../../core";
import type { Signal } from "../../feedback";
import type { Anomaly } from "../../monitor";
import type {
  WaveDocumentRow,
  AssignmentRow,
  AttemptRow,
  Lease,
  LeaseClaim,
  LeaseGrant,
  LeaseRow,
  NewRun,
  RunIngest,
  RunRow,
  Store,
  StoreFile,
  StoreWrite,
  StoredTask,
  ViolationRow,
  WaveRow,
} from "../types";
import { batchApplier, type Applier } from "./apply";
import { IN_MEMORY } from "./connection";
import { sqliteFiles } from "./files";
import { storeError } from "./errors";
import { HandleState } from "../handle";
import { StoreIdentity } from "./identity";
import { beginIngest, type Guard } from "./run-ingest";
import { leaseStatements, type LeaseStatements } from "./leases";
import { prepareStatements, type Statements } from "./statements";

/** How the store was opened: the inspecting commands only read (SPEC 9.1). */
export type StoreMode = "readwrite" | "readonly";

/** How many runs `listRuns` returns when not told. */
const DEFAULT_RUN_LIMIT = 50;

export class SqliteStore implements Store {
  readonly location: string;
  readonly files: readonly StoreFile[];
  readonly #db: Database;
  readonly #sql: Statements;
  readonly #apply: Applier;
  /** Absent on a read-only store whose schema predates leases. */
  readonly #leases: LeaseStatements | undefined;
  /** Closed, ingesting, read-only: what this handle refuses. */
  readonly #handle: HandleState;
  readonly #busyTimeoutMs: number;

  constructor(location: string, db: Database, busyTimeoutMs: number, mode: StoreMode) {
    this.location = location;
    this.files = sqliteFiles(location);
    this.#db = db;
    this.#handle = new HandleState(location, mode === "readonly");
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#sql = this.#guard(() => prepareStatements(db));
    this.#leases = this.#guard(() => (hasTable(db, "run_leases") ? leaseStatements(db, location) : undefined));
    const checks = this.#guard(() =>
      mode === "readwrite" && this.#leases
        ? { leases: this.#leases, identity: new StoreIdentity(db, location, location !== IN_MEMORY) }
        : undefined,
    );
    this.#apply = batchApplier(db, this.#sql, checks);
  }

  /**
   * Until the returned ingest is committed or aborted, every other method of this Store throws:
   * they would run inside the ingest's transaction and see (or commit) the half-written run.
   */
  async beginRun(run: NewRun): Promise<RunIngest> {
    this.#handle.ensureWritable();
    const handle = beginIngest(this.#db, this.#sql, run, this.#guard, () => {
      this.#handle.ingest = null;
    });
    this.#handle.ingest = { run_id: run.run_id, handle };
    return handle;
  }

  /** All the writes, or none of them: one transaction, committed before this returns. */
  async apply(writes: readonly StoreWrite[], fence?: Lease): Promise<void> {
    this.#handle.ensureWritable();
    this.#guard(() => this.#apply(writes, fence));
  }

  async acquireLease(run_id: string, claim: LeaseClaim): Promise<LeaseGrant> {
    return this.#withLeases((leases) => leases.acquire(run_id, claim));
  }

  async renewLease(lease: Lease): Promise<void> {
    this.#withLeases((leases) => leases.check(lease));
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#withLeases((leases) => leases.release(lease));
  }

  async currentLease(run_id: string): Promise<LeaseRow | undefined> {
    return this.#call(() => this.#leases?.current(run_id));
  }

  async getRun(run_id: string): Promise<RunRow | undefined> {
    return this.#call(() => this.#sql.runs.get(run_id));
  }

  async listRuns(limit: number = DEFAULT_RUN_LIMIT): Promise<RunRow[]> {
    return this.#call(() => this.#sql.runs.list(limit));
  }

  async waves(run_id: string): Promise<number[]> {
    return this.#call(() => this.#sql.tasks.waves(run_id));
  }

  async tasksOfWave(run_id: string, wave: number): Promise<StoredTask[]> {
    return this.#call(() => this.#sql.tasks.ofWave(run_id, wave));
  }

  async tasks(run_id: string): Promise<StoredTask[]> {
    return this.#call(() => this.#sql.tasks.all(run_id));
  }

  async attempts(run_id: string, task_id?: string): Promise<AttemptRow[]> {
    return this.#call(() => this.#sql.attempts.list(run_id, task_id));
  }

  async assignments(run_id: string, wave?: number): Promise<AssignmentRow[]> {
    return this.#call(() => this.#sql.assignments.list(run_id, wave));
  }

  async waveRecords(run_id: string): Promise<WaveRow[]> {
    return this.#call(() => this.#sql.waves.list(run_id));
  }

  async gateDecisions(run_id: string): Promise<GateDecision[]> {
    return this.#call(() => this.#sql.feedback.gatesOf(run_id));
  }

  async signals(run_id: string): Promise<WaveDocumentRow<Signal>[]> {
    return this.#call(() => this.#sql.feedback.signals.list(run_id));
  }

  async anomalies(run_id: string): Promise<WaveDocumentRow<Anomaly>[]> {
    return this.#call(() => this.#sql.feedback.anomalies.list(run_id));
  }

  async providerState(run_id: string): Promise<unknown> {
    return this.#call(() => this.#sql.feedback.providerState(run_id));
  }

  async violations(run_id?: string): Promise<ViolationRow[]> {
    return this.#call(() => this.#sql.violations.list(run_id));
  }

  /** Idempotent. An open ingest is aborted first, so teardown never commits half a run. */
  async close(): Promise<void> {
    if (this.#handle.closed) return;
    try {
      await this.#handle.ingest?.handle.abort();
    } finally {
      this.#handle.closed = true;
      // `true` finalizes the prepared statements and releases the file now, not at GC.
      this.#guard(() => this.#db.close(true));
    }
  }

  #call<T>(fn: () => T): T {
    this.#handle.ensureIdle();
    return this.#guard(fn);
  }

  #withLeases<T>(fn: (leases: LeaseStatements) => T): T {
    this.#handle.ensureWritable();
    return this.#guard(() => fn(this.#leases!));
  }



  readonly #guard: Guard = (fn) => {
    try {
      return fn();
    } catch (error) {
      throw storeError(this.location, error, this.#busyTimeoutMs);
    }
  };
}

function hasTable(db: Database, name: string): boolean {
  return db.query<{ one: number }, [string]>("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== null;
}
