/**
 * `Store.beginRun` on PostgreSQL: the run and its tasks go in on one reserved connection inside
 * one transaction, invisible to every other connection until COMMIT, so a run refused halfway
 * through a streamed input leaves nothing (SPEC 2.3). Tasks are sent in bulk INSERTs of
 * INGEST_CHUNK rows: one round trip per chunk, not per task.
 */
import type { ReservedSQL } from "bun";
import { BuddyError, type Task } from "../../core";
import { toJson } from "../codec";
import type { NewRun, RunIngest } from "../types";
import type { PostgresConnection } from "./connection";

/** Rows per INSERT: a few hundred kilobytes of specs per round trip. */
const INGEST_CHUNK = 2000;

const UNIQUE_VIOLATION = "23505";

export async function beginIngest(connection: PostgresConnection, run: NewRun, onFinish: () => void): Promise<RunIngest> {
  const what = `ingest of run ${run.run_id}`;
  let conn: ReservedSQL | undefined;
  try {
    conn = await connection.attempt(what, (sql) => sql.reserve());
    await conn.unsafe("BEGIN");
    const [exists] = await conn.unsafe("SELECT 1 AS one FROM runs WHERE run_id = $1", [run.run_id]);
    if (exists !== undefined) throw new BuddyError("STORE", `run ${run.run_id} already exists`);
    await conn.unsafe(
      "INSERT INTO runs (run_id, created_at, input, input_hash, seed, options, status) VALUES ($1, $2, $3, $4, $5, $6, 'ingesting')",
      [run.run_id, run.created_at, run.input, run.input_hash, run.seed, toJson(run.options)],
    );
  } catch (error) {
    await rollback(conn);
    onFinish();
    // Another process ingesting the same run id committed first.
    if ((error as { errno?: unknown }).errno === UNIQUE_VIOLATION) throw new BuddyError("STORE", `run ${run.run_id} already exists`, { cause: error });
    throw connection.error(what, error);
  }
  return new PostgresIngest(connection, conn, run.run_id, onFinish);
}

async function rollback(conn: ReservedSQL | undefined): Promise<void> {
  if (conn === undefined) return;
  try {
    await conn.unsafe("ROLLBACK");
  } catch {
    // The connection is gone: the server rolled the transaction back with it.
  }
  conn.release();
}

class PostgresIngest implements RunIngest {
  #open = true;
  #rows: Task[] = [];
  readonly #ids = new Set<string>();
  readonly #waves = new Set<number>();

  constructor(
    private readonly connection: PostgresConnection,
    private readonly conn: ReservedSQL,
    private readonly runId: string,
    private readonly onFinish: () => void,
  ) {}

  async addTask(task: Task): Promise<void> {
    this.#ensureOpen();
    // The run is new, so its tasks are exactly the ones added here: a set finds a repeat.
    if (this.#ids.has(task.task_id)) throw new BuddyError("STORE", `task ${task.task_id} appears twice in run ${this.runId}`);
    this.#ids.add(task.task_id);
    this.#waves.add(task.wave);
    this.#rows.push(task);
    if (this.#rows.length >= INGEST_CHUNK) await this.#flush();
  }

  async commit(): Promise<void> {
    this.#ensureOpen();
    try {
      await this.#flush();
      await this.conn.unsafe("UPDATE runs SET status = 'running', task_count = $1, wave_count = $2 WHERE run_id = $3", [this.#ids.size, this.#waves.size, this.runId]);
      await this.conn.unsafe("COMMIT");
    } catch (error) {
      throw this.connection.error(`ingest of run ${this.runId}`, error);
    }
    this.#finish();
    this.conn.release();
  }

  async abort(): Promise<void> {
    if (!this.#open) return;
    this.#finish();
    await rollback(this.conn);
  }

  async #flush(): Promise<void> {
    const rows = this.#rows;
    if (rows.length === 0) return;
    this.#rows = [];
    try {
      await this.conn.unsafe("INSERT INTO tasks (run_id, task_id, seq, wave, spec) SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::integer[], $5::text[])", [
        this.runId,
        rows.map((t) => t.task_id),
        rows.map((t) => t.seq),
        rows.map((t) => t.wave),
        rows.map((t) => toJson(t)),
      ]);
    } catch (error) {
      throw this.connection.error(`ingest of run ${this.runId}`, error);
    }
  }

  #finish(): void {
    this.#open = false;
    this.onFinish();
  }

  #ensureOpen(): void {
    if (!this.#open) throw new BuddyError("INTERNAL", `the ingest of run ${this.runId} is already committed or aborted`);
  }
}
