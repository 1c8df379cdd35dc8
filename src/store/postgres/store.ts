/**
 * The PostgreSQL Store (SPEC 11): the same contract as the SQLite one (types.ts), on a server
 * that many processes on many machines share. Every call rides out a lost connection
 * (connection.ts); what it cannot survive becomes a STORE error naming the backend.
 */
import type { SQL } from "bun";
import type { GateDecision } from "../../core";
import type { Signal } from "../../feedback";
import type { Anomaly } from "../../monitor";
import type {
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
  StoredTask,
  StoreFile,
  StoreWrite,
  ViolationRow,
  WaveDocumentRow,
  WaveRow,
} from "../types";
import type { WorkQueue } from "../queue";
import { HandleState } from "../handle";
import { applyBatch } from "./apply";
import type { PostgresConnection } from "./connection";
import { beginIngest } from "./ingest";
import { acquireLease, releaseLease, renewLease } from "./leases";
import { PostgresQueue } from "./queue";
import * as read from "./reads";

const DEFAULT_RUN_LIMIT = 50;

export class PostgresStore implements Store {
  readonly location: string;
  /** Nothing on this machine for `--out` or `--junit` to replace. */
  readonly files: readonly StoreFile[] = [];
  readonly queue: WorkQueue | undefined;
  readonly #db: PostgresConnection;
  /** Closed, ingesting, read-only: what this handle refuses. */
  readonly #handle: HandleState;
  /** A read-only store on a backend without buddy's schema: it has no runs, and creates nothing. */
  readonly #empty: boolean;

  constructor(db: PostgresConnection, mode: { readonly: boolean; empty: boolean }) {
    this.#db = db;
    this.location = db.location;
    this.#handle = new HandleState(db.location, mode.readonly);
    this.#empty = mode.empty;
    this.queue = mode.readonly ? undefined : new PostgresQueue(db);
  }

  async beginRun(run: NewRun): Promise<RunIngest> {
    this.#handle.ensureWritable();
    const handle = await beginIngest(this.#db, run, () => {
      this.#handle.ingest = null;
    });
    this.#handle.ingest = { run_id: run.run_id, handle };
    return handle;
  }

  async apply(writes: readonly StoreWrite[], fence?: Lease): Promise<void> {
    this.#handle.ensureWritable();
    if (writes.length === 0 && fence === undefined) return;
    const batchId = crypto.randomUUID();
    await this.#db.attempt("apply", (sql) => applyBatch(sql, batchId, writes, fence));
  }

  async acquireLease(run_id: string, claim: LeaseClaim): Promise<LeaseGrant> {
    this.#handle.ensureWritable();
    let tries = 0;
    return this.#db.attempt("lease", (sql) => acquireLease(sql, this.location, run_id, claim, tries++ > 0));
  }

  async renewLease(lease: Lease): Promise<void> {
    this.#handle.ensureWritable();
    return this.#db.attempt("lease renewal", (sql) => renewLease(sql, lease));
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#handle.ensureWritable();
    return this.#db.attempt("lease release", (sql) => releaseLease(sql, lease));
  }

  currentLease(run_id: string): Promise<LeaseRow | undefined> {
    return this.#read(undefined, (sql) => read.currentLease(sql, run_id));
  }

  getRun(run_id: string): Promise<RunRow | undefined> {
    return this.#read(undefined, (sql) => read.getRun(sql, run_id));
  }

  listRuns(limit: number = DEFAULT_RUN_LIMIT): Promise<RunRow[]> {
    return this.#read([], (sql) => read.listRuns(sql, limit));
  }

  waves(run_id: string): Promise<number[]> {
    return this.#read([], (sql) => read.waves(sql, run_id));
  }

  tasksOfWave(run_id: string, wave: number): Promise<StoredTask[]> {
    return this.#read([], (sql) => read.tasks(sql, run_id, wave));
  }

  tasks(run_id: string): Promise<StoredTask[]> {
    return this.#read([], (sql) => read.tasks(sql, run_id));
  }

  attempts(run_id: string, task_id?: string): Promise<AttemptRow[]> {
    return this.#read([], (sql) => read.attempts(sql, run_id, task_id));
  }

  assignments(run_id: string, wave?: number): Promise<AssignmentRow[]> {
    return this.#read([], (sql) => read.assignments(sql, run_id, wave));
  }

  waveRecords(run_id: string): Promise<WaveRow[]> {
    return this.#read([], (sql) => read.waveRecords(sql, run_id));
  }

  violations(run_id?: string): Promise<ViolationRow[]> {
    return this.#read([], (sql) => read.violations(sql, run_id));
  }

  gateDecisions(run_id: string): Promise<GateDecision[]> {
    return this.#read([], (sql) => read.gateDecisions(sql, run_id));
  }

  signals(run_id: string): Promise<WaveDocumentRow<Signal>[]> {
    return this.#read([], (sql) => read.signals(sql, run_id));
  }

  anomalies(run_id: string): Promise<WaveDocumentRow<Anomaly>[]> {
    return this.#read([], (sql) => read.anomalies(sql, run_id));
  }

  providerState(run_id: string): Promise<unknown> {
    return this.#read(undefined, (sql) => read.providerState(sql, run_id));
  }

  /** Idempotent. An open ingest is rolled back first, so teardown never commits half a run. */
  async close(): Promise<void> {
    if (this.#handle.closed) return;
    try {
      await this.#handle.ingest?.handle.abort();
    } finally {
      this.#handle.closed = true;
      await this.#db.close();
    }
  }

  async #read<T>(empty: T, fn: (sql: SQL) => Promise<T>): Promise<T> {
    this.#handle.ensureIdle();
    if (this.#empty) return empty;
    return this.#db.attempt("read", fn);
  }


}
