/**
 * The PostgreSQL Store (SPEC 11): the same contract as the SQLite one (types.ts), on a server
 * that many processes on many machines share. Every call rides out a lost connection
 * (connection.ts); what it cannot survive becomes a STORE error naming the backend.
 */
import type { SQL } from "bun";
import { BuddyError, type GateDecision } from "../../core";
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
  readonly #readonly: boolean;
  /** A read-only store on a backend without buddy's schema: it has no runs, and creates nothing. */
  readonly #empty: boolean;
  #ingest: { run_id: string; handle: RunIngest } | null = null;
  #closed = false;

  constructor(db: PostgresConnection, mode: { readonly: boolean; empty: boolean }) {
    this.#db = db;
    this.location = db.location;
    this.#readonly = mode.readonly;
    this.#empty = mode.empty;
    this.queue = mode.readonly ? undefined : new PostgresQueue(db);
  }

  async beginRun(run: NewRun): Promise<RunIngest> {
    this.#ensureWritable();
    const handle = await beginIngest(this.#db, run, () => {
      this.#ingest = null;
    });
    this.#ingest = { run_id: run.run_id, handle };
    return handle;
  }

  async apply(writes: readonly StoreWrite[], fence?: Lease): Promise<void> {
    this.#ensureWritable();
    if (writes.length === 0 && fence === undefined) return;
    const batchId = crypto.randomUUID();
    await this.#db.attempt("apply", (sql) => applyBatch(sql, batchId, writes, fence));
  }

  async acquireLease(run_id: string, claim: LeaseClaim): Promise<LeaseGrant> {
    this.#ensureWritable();
    let tries = 0;
    return this.#db.attempt("lease", (sql) => acquireLease(sql, this.location, run_id, claim, tries++ > 0));
  }

  async renewLease(lease: Lease): Promise<void> {
    this.#ensureWritable();
    return this.#db.attempt("lease renewal", (sql) => renewLease(sql, lease));
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#ensureWritable();
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
    if (this.#closed) return;
    try {
      await this.#ingest?.handle.abort();
    } finally {
      this.#closed = true;
      await this.#db.close();
    }
  }

  async #read<T>(empty: T, fn: (sql: SQL) => Promise<T>): Promise<T> {
    this.#ensureIdle();
    if (this.#empty) return empty;
    return this.#db.attempt("read", fn);
  }

  #ensureWritable(): void {
    this.#ensureIdle();
    if (this.#readonly) throw new BuddyError("INTERNAL", `store ${this.location} is open read-only`);
  }

  #ensureIdle(): void {
    if (this.#closed) throw new BuddyError("INTERNAL", `store ${this.location} is closed`);
    if (this.#ingest !== null) {
      throw new BuddyError("INTERNAL", `the ingest of run ${this.#ingest.run_id} is open on store ${this.location}: commit or abort it first`);
    }
  }
}
