/** Builders of runs, tasks and writes for store tests: valid by default, one field changed per test. */
import type { Task } from "../../../src/core";
import type { NewRun, Store, StoreWrite } from "../../../src/store";

type Write<K extends StoreWrite["kind"]> = Extract<StoreWrite, { kind: K }>;

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    run_id: `run-${crypto.randomUUID()}`,
    created_at: 1_700_000_000_000,
    input: "predictions.jsonl",
    input_hash: "0".repeat(64),
    seed: 42,
    options: { agents: 4, strategy: "load_balanced" },
    ...overrides,
  };
}

export function task(seq: number, overrides: Partial<Task> = {}): Task {
  return {
    task_id: `task-${seq}`,
    seq,
    wave: 1,
    priority: 2,
    predicted_success_probability: 0.8,
    predicted_execution_time: 1,
    risk_assessment: "LOW",
    code: "return input.n * 2",
    input: { n: seq },
    uses: [],
    meta: {},
    ...overrides,
  };
}

/** Ingests `run` with `tasks` and commits it. */
export async function ingest(store: Store, run: NewRun, tasks: readonly Task[]): Promise<void> {
  const ingest = await store.beginRun(run);
  for (const t of tasks) await ingest.addTask(t);
  await ingest.commit();
}

export function taskFinal(run_id: string, task_id: string, overrides: Partial<Write<"task_final">> = {}): Write<"task_final"> {
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

export function attemptStarted(run_id: string, task_id: string, attempt: number, at: number): Write<"attempt_started"> {
  return { kind: "attempt_started", run_id, task_id, attempt, agent_id: "agent_1", at };
}

export function attemptEnded(
  run_id: string,
  task_id: string,
  attempt: number,
  overrides: Partial<Write<"attempt_ended">> = {},
): Write<"attempt_ended"> {
  return {
    kind: "attempt_ended",
    run_id,
    task_id,
    attempt,
    at: 1_700_000_001_050,
    duration_ms: 50,
    result_json: "2",
    error: null,
    console: [],
    console_truncated: false,
    ...overrides,
  };
}
