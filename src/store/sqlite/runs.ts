/** The `runs` table: one row per run, from ingest to its summary. */
import type { Database } from "bun:sqlite";
import type { NewRun, RunRow } from "../types";
import { toJson } from "../codec";
import { expectChanged } from "./errors";
import { type RunColumns, toRunRow } from "../rows";
import type { Write } from "../write";


const COLUMNS =
  "run_id, created_at, input, input_hash, seed, options, status, started_at, ended_at, task_count, wave_count, summary";

export function runStatements(db: Database) {
  const insert = db.prepare<void, [string, number, string, string, number, string]>(
    `INSERT INTO runs (run_id, created_at, input, input_hash, seed, options, status)
     VALUES (?, ?, ?, ?, ?, ?, 'ingesting')`,
  );
  const ingested = db.prepare<void, [number, number, string]>(
    "UPDATE runs SET status = 'running', task_count = ?, wave_count = ? WHERE run_id = ?",
  );
  // A resumed run keeps its first start; it is running again, so it has not ended.
  const started = db.prepare<void, [number, string]>(
    "UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), ended_at = NULL WHERE run_id = ?",
  );
  const ended = db.prepare<void, [string, number, string, string]>(
    "UPDATE runs SET status = ?, ended_at = ?, summary = ? WHERE run_id = ?",
  );
  const exists = db.prepare<{ one: number }, [string]>("SELECT 1 AS one FROM runs WHERE run_id = ?");
  const get = db.prepare<RunColumns, [string]>(`SELECT ${COLUMNS} FROM runs WHERE run_id = ?`);
  // rowid breaks ties between runs created in the same millisecond: the later insert is newer.
  const list = db.prepare<RunColumns, [number]>(
    `SELECT ${COLUMNS} FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  );

  return {
    exists: (run_id: string): boolean => exists.get(run_id) !== null,
    insert(run: NewRun): void {
      insert.run(run.run_id, run.created_at, run.input, run.input_hash, run.seed, toJson(run.options));
    },
    ingested(run_id: string, taskCount: number, waveCount: number): void {
      expectChanged(ingested.run(taskCount, waveCount, run_id), `run ${run_id}`);
    },
    started(w: Write<"run_started">): void {
      expectChanged(started.run(w.at, w.run_id), `run ${w.run_id}`);
    },
    ended(w: Write<"run_ended">): void {
      expectChanged(ended.run(w.status, w.at, toJson(w.summary), w.run_id), `run ${w.run_id}`);
    },
    get(run_id: string): RunRow | undefined {
      const record = get.get(run_id);
      return record === null ? undefined : toRunRow(record);
    },
    list: (limit: number): RunRow[] => list.all(limit).map(toRunRow),
  };
}

