/**
 * The finished-task shape as the store takes it (the `task_finished` write) and gives it back
 * (a StoredTask). The contract builds and reads it only through these helpers, so every test that
 * asserts on a task's progress keeps asserting on `TaskProgress` whatever the shape.
 */
import { durationMs, isFinished, type AttemptError, type Task, type TaskStatus } from "../../../src/core";
import type { Store, StoredTask, StoreWrite } from "../../../src/store";

type FinishedWrite = Extract<StoreWrite, { kind: "task_finished" }>;

/** How a task ended, in the tests' own words: what `taskFinal` takes and `progressOf` gives. */
interface FinalFields {
  state: TaskStatus;
  agent_id: string;
  attempts: number;
  result_json: string | null;
  error: AttemptError | null;
  started_at: number;
  ended_at: number;
}

/** A finished task's write: a success of one 50 ms attempt on agent_0 unless told otherwise. */
export function taskFinal(run_id: string, task_id: string, fields: Partial<FinalFields> = {}): FinishedWrite {
  const f: FinalFields = {
    state: "succeeded",
    agent_id: "agent_0",
    attempts: 1,
    result_json: "2",
    error: null,
    started_at: 1_700_000_001_000,
    ended_at: 1_700_000_001_050,
    ...fields,
  };
  // The store keeps the task as ingested: only its id matters here.
  const task: Task = { task_id, seq: 0, wave: 1, priority: 2, predicted_success_probability: 0.8, predicted_execution_time: 1, risk_assessment: "LOW", uses: [], meta: {} };
  const { state, ...rest } = f;
  return { kind: "task_finished", run_id, finished: { task, status: state, ...rest, attempt_durations_ms: [] } };
}

/**
 * What the store keeps of a task beside its spec: where it is in its life, and how it ended.
 * Spelled out rather than taken from StoredTask, so that the tests' expectations stay put when
 * the shape changes and only `progressOf` follows it.
 */
interface TaskProgress {
  /** "pending", "running" or the final status. */
  state: string;
  agent_id: string | null;
  attempts: number;
  result_json: string | null;
  error: AttemptError | null;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  /** The durations of its ended attempts, in order (finished tasks only). */
  attempt_durations_ms: number[] | null;
}

export function progressOf(row: StoredTask): TaskProgress {
  const finished = isFinished(row) ? row : undefined;
  return {
    state: row.status,
    agent_id: row.agent_id,
    attempts: row.attempts,
    result_json: finished?.result_json ?? null,
    error: finished?.error ?? null,
    started_at: finished?.started_at ?? null,
    ended_at: finished?.ended_at ?? null,
    duration_ms: finished ? durationMs(finished) : null,
    attempt_durations_ms: finished?.attempt_durations_ms ?? null,
  };
}

/** The task as ingested. */
export const specOf = (row: StoredTask): Task => row.task;

/** The state of each of a run's tasks, in input order. */
export async function states(store: Store, run_id: string): Promise<string[]> {
  return (await store.tasks(run_id)).map((row) => progressOf(row).state);
}

/** The progress of each of a run's tasks, in input order. */
export async function progress(store: Store, run_id: string): Promise<TaskProgress[]> {
  return (await store.tasks(run_id)).map(progressOf);
}
