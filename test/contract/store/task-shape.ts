/**
 * The finished-task shape as the store takes it (the `task_final` write) and gives it back (the
 * task rows). That shape is being reworked (issue 10 point 1), so the contract builds and reads
 * it only through these helpers: a new shape is adapted here, in one place, and every test that
 * asserts on a task's progress keeps asserting on `TaskProgress`.
 */
import type { AttemptError, Task, TaskStatus } from "../../../src/core";
import type { Store, StoreWrite, TaskRow } from "../../../src/store";

type FinalWrite = Extract<StoreWrite, { kind: "task_final" }>;

/** How a task ended, in the tests' own words: what `taskFinal` takes and `progressOf` gives. */
interface FinalFields {
  state: TaskStatus;
  agent_id: string;
  attempts: number;
  result_json: string | null;
  error: AttemptError | null;
  started_at: number;
  ended_at: number;
  duration_ms: number;
}

/** A finished task's write: a success of one 50 ms attempt on agent_0 unless told otherwise. */
export function taskFinal(run_id: string, task_id: string, fields: Partial<FinalFields> = {}): FinalWrite {
  const f: FinalFields = {
    state: "succeeded",
    agent_id: "agent_0",
    attempts: 1,
    result_json: "2",
    error: null,
    started_at: 1_700_000_001_000,
    ended_at: 1_700_000_001_050,
    duration_ms: 50,
    ...fields,
  };
  return { kind: "task_final", run_id, task_id, ...f };
}

/**
 * What the store keeps of a task beside its spec: where it is in its life, and how it ended.
 * Spelled out rather than derived from TaskRow, so that the tests' expectations stay put when
 * the row changes and only `progressOf` follows it.
 */
interface TaskProgress {
  run_id: string;
  /** "pending", "running" or the final status. */
  state: string;
  agent_id: string | null;
  attempts: number;
  result_json: string | null;
  error: AttemptError | null;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
}

export function progressOf(row: TaskRow): TaskProgress {
  return {
    run_id: row.run_id,
    state: row.state,
    agent_id: row.agent_id,
    attempts: row.attempts,
    result_json: row.result_json,
    error: row.error,
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_ms: row.duration_ms,
  };
}

/** The task as ingested. */
export const specOf = (row: TaskRow): Task => row.task;

const stateOf = (row: TaskRow): string => progressOf(row).state;

/** The state of each of a run's tasks, in input order. */
export async function states(store: Store, run_id: string): Promise<string[]> {
  return (await store.tasks(run_id)).map(stateOf);
}

/** The progress of each of a run's tasks, in input order. */
export async function progress(store: Store, run_id: string): Promise<TaskProgress[]> {
  return (await store.tasks(run_id)).map(progressOf);
}
