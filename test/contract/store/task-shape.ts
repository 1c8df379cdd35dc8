/**
 * The finished-task shape as the store takes it (the `task_final` write) and gives it back (the
 * task rows). That shape is being reworked (issue 10 point 1), so the contract builds and reads
 * it only through these helpers: a new shape is adapted here, in one place, and every test that
 * asserts on a task's progress keeps asserting on `TaskProgress`.
 */
import type { Task } from "../../../src/core";
import type { Store, StoreWrite, TaskRow } from "../../../src/store";

type TaskFinal = Extract<StoreWrite, { kind: "task_final" }>;

/** A finished task's write: a success of one 50 ms attempt on agent_0 unless told otherwise. */
export function taskFinal(run_id: string, task_id: string, overrides: Partial<TaskFinal> = {}): TaskFinal {
  return {
    kind: "task_final",
    run_id,
    task_id,
    state: "succeeded",
    agent_id: "agent_0",
    attempts: 1,
    result_json: "2",
    error: null,
    started_at: 1_700_000_001_000,
    ended_at: 1_700_000_001_050,
    duration_ms: 50,
    ...overrides,
  };
}

/** What the store keeps of a task beside its spec: where it is in its life, and how it ended. */
export type TaskProgress = Omit<TaskRow, "task">;

export function progressOf(row: TaskRow): TaskProgress {
  const { task: _spec, ...progress } = row;
  return progress;
}

/** The task as ingested. */
export const specOf = (row: TaskRow): Task => row.task;

/** "pending", "running" or the final status. */
export const stateOf = (row: TaskRow): string => row.state;

/** The state of each of a run's tasks, in input order. */
export async function states(store: Store, run_id: string): Promise<string[]> {
  return (await store.tasks(run_id)).map(stateOf);
}

/** The progress of each of a run's tasks, in input order. */
export async function progress(store: Store, run_id: string): Promise<TaskProgress[]> {
  return (await store.tasks(run_id)).map(progressOf);
}
