/**
 * `Store.beginRun`: a run and all its tasks go in as one explicit transaction, so a run that
 * fails validation halfway through a streamed input (SPEC 2.3: "no run is created") is rolled
 * back whole, and readers in other processes never see a half-ingested run.
 */
import { SQLiteError, type Database } from "bun:sqlite";
import { BuddyError, type Task } from "../../core";
import type { NewRun, RunIngest } from "../types";
import type { Statements } from "./statements";

/** Runs `fn`, turning what it throws into a STORE error naming the store. */
export type Guard = <T>(fn: () => T) => T;

export function beginIngest(
  db: Database,
  sql: Statements,
  run: NewRun,
  guard: Guard,
  onFinish: () => void,
): RunIngest {
  guard(() => {
    // The write lock is held until commit or abort: other writers wait (up to the busy
    // timeout) rather than interleave with a half-written run.
    db.run("BEGIN IMMEDIATE");
    try {
      if (sql.runs.exists(run.run_id)) throw new BuddyError("STORE", `run ${run.run_id} already exists`);
      sql.runs.insert(run);
    } catch (error) {
      db.run("ROLLBACK");
      throw error;
    }
  });
  return new SqliteIngest(db, sql, run.run_id, guard, onFinish);
}

class SqliteIngest implements RunIngest {
  #open = true;
  #taskCount = 0;
  readonly #waves = new Set<number>();

  constructor(
    private readonly db: Database,
    private readonly sql: Statements,
    private readonly runId: string,
    private readonly guard: Guard,
    private readonly onFinish: () => void,
  ) {}

  async addTask(task: Task): Promise<void> {
    this.#ensureOpen();
    this.guard(() => {
      try {
        this.sql.tasks.insert(this.runId, task);
      } catch (error) {
        if (error instanceof SQLiteError && error.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
          throw new BuddyError("STORE", `task ${task.task_id} appears twice in run ${this.runId}`, { cause: error });
        }
        throw error;
      }
    });
    this.#taskCount += 1;
    this.#waves.add(task.wave);
  }

  /** Makes the run visible with status "running". If it throws, the ingest is still open: abort it. */
  async commit(): Promise<void> {
    this.#ensureOpen();
    this.guard(() => {
      this.sql.runs.ingested(this.runId, this.#taskCount, this.#waves.size);
      this.db.run("COMMIT");
    });
    this.#finish();
  }

  /** Rolls everything back. Does nothing after commit or abort, so it can sit in a `finally`. */
  async abort(): Promise<void> {
    if (!this.#open) return;
    // SQLite may already have rolled back by itself (a failed COMMIT on a full disk).
    if (this.db.inTransaction) this.guard(() => this.db.run("ROLLBACK"));
    this.#finish();
  }

  #finish(): void {
    this.#open = false;
    this.onFinish();
  }

  #ensureOpen(): void {
    if (!this.#open) throw new BuddyError("INTERNAL", `the ingest of run ${this.runId} is already committed or aborted`);
  }
}
