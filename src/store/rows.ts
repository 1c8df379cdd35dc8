/**
 * Rows as every backend selects them, and the one conversion of each into what the Store
 * returns, so SQLite and PostgreSQL read a run, a task and an attempt the same way. Numbers
 * may arrive as strings (PostgreSQL's bigint); JSON documents are text, read through their
 * schemas (documents.ts).
 */
import { capConsole, type AttemptError } from "../core";
import { fromJson } from "./codec";
import { parsed, readRunOptions, readSummary, readTaskRow } from "./documents";
import type { AttemptRow, RunRow, RunStatus, StoredTask } from "./types";

/** A bigint column as a number: epoch milliseconds and seeds are well inside 2^53. */
type Num = number | string;
const num = (value: Num): number => Number(value);
const numOrNull = (value: Num | null): number | null => (value === null ? null : Number(value));

export interface RunColumns {
  run_id: string;
  created_at: Num;
  input: string;
  input_hash: string;
  seed: Num;
  options: string;
  status: RunStatus;
  started_at: Num | null;
  ended_at: Num | null;
  task_count: number;
  wave_count: number;
  summary: string | null;
}

export function toRunRow(r: RunColumns): RunRow {
  return {
    run_id: r.run_id,
    created_at: num(r.created_at),
    input: r.input,
    input_hash: r.input_hash,
    seed: num(r.seed),
    options: readRunOptions(r.options, r.run_id),
    status: r.status,
    started_at: numOrNull(r.started_at),
    ended_at: numOrNull(r.ended_at),
    task_count: r.task_count,
    wave_count: r.wave_count,
    summary: r.summary === null ? null : readSummary(r.summary, r.run_id),
  };
}

/** A `tasks` row as selected: the columns of a finished task are null before it finishes. */
export interface TaskColumns {
  spec: string;
  state: StoredTask["status"];
  agent_id: string | null;
  attempts: number;
  result_json: string | null;
  error: string | null;
  started_at: Num | null;
  ended_at: Num | null;
  /** JSON array of the ended attempts' durations in order; selected for finished tasks only. */
  durations: string | null;
  /** JSON array of the last attempt's console lines; selected for failed tasks only. */
  last_console: string | null;
}

export function toStoredTask(r: TaskColumns, run_id: string): StoredTask {
  const { task, error } = readTaskRow(r, run_id);
  if (r.state === "pending" || r.state === "running") return { task, status: r.state, agent_id: r.agent_id, attempts: r.attempts };
  return {
    task,
    agent_id: r.agent_id ?? "",
    status: r.state,
    attempts: r.attempts,
    result_json: r.result_json,
    error,
    started_at: num(r.started_at ?? 0),
    ended_at: num(r.ended_at ?? 0),
    attempt_durations_ms: r.durations === null ? [] : fromJson<number[]>(r.durations),
    ...(r.state === "failed" ? { console: capConsole(readConsole(r.last_console, `the console of task ${task.task_id} of run ${run_id}`)) } : {}),
  };
}

function readConsole(text: string | null, what: string): string[] {
  if (text === null) return [];
  const lines = parsed(text, what);
  return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === "string") : [];
}

export interface AttemptColumns {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string;
  state: AttemptRow["status"];
  started_at: Num;
  ended_at: Num | null;
  duration_ms: Num | null;
  result_json: string | null;
  error: string | null;
  console: string;
  console_truncated: number;
}

export function toAttemptRow(r: AttemptColumns): AttemptRow {
  return {
    run_id: r.run_id,
    task_id: r.task_id,
    attempt: r.attempt,
    agent_id: r.agent_id,
    status: r.state,
    started_at: num(r.started_at),
    ended_at: numOrNull(r.ended_at),
    duration_ms: numOrNull(r.duration_ms),
    result_json: r.result_json,
    error: r.error === null ? null : (parsed(r.error, `the error of attempt ${r.attempt} of task ${r.task_id} of run ${r.run_id}`) as AttemptError),
    console: parsed(r.console, `the console of attempt ${r.attempt} of task ${r.task_id} of run ${r.run_id}`) as string[],
    console_truncated: r.console_truncated !== 0,
  };
}
