/** Builders of runs, tasks and writes for store tests: valid by default, one field changed per test. */
import type { Task } from "../../../src/core";
import type { AssignmentRow, NewRun, Store, StoreWrite, ViolationRow } from "../../../src/store";
import { taskFinal } from "./task-shape";

export { taskFinal } from "./task-shape";

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

export function assignment(run_id: string, task_id: string, agent_id: string, overrides: Partial<AssignmentRow> = {}): AssignmentRow {
  return {
    run_id,
    task_id,
    agent_id,
    wave: 1,
    strategy: "round_robin",
    predicted_success_probability: 0.8,
    priority: 2,
    assigned_at: 1_700_000_000_500,
    reason: "task 0 mod 4",
    ...overrides,
  };
}

export function violation(run_id: string, task_id: string, overrides: Partial<ViolationRow> = {}): ViolationRow {
  const attempt = overrides.attempt ?? 1;
  return {
    run_id,
    task_id,
    attempt,
    execution_id: `${run_id}/${task_id}/${attempt}`,
    violation_type: "NETWORK_ACCESS_ATTEMPT",
    details: "read of blocked global 'fetch'",
    code_preview: "const r = await fetch('https://example.com')",
    timestamp: 1_700_000_002_000,
    ...overrides,
  };
}

/**
 * One valid write of every kind for `task_id` of run `run_id` (in wave 1), in the order a run
 * makes them: what the all-or-nothing and fencing tests put in a batch that must leave no trace.
 */
export function everyKind(run_id: string, task_id: string): StoreWrite[] {
  const doc = (id: string) => ({ run_id, wave: 1, id, document: { id } });
  return [
    { kind: "run_started", run_id, at: 1000 },
    { kind: "assignment", row: assignment(run_id, task_id, "agent_1") },
    { kind: "gate_decisions", rows: [{ run_id, task_id, attempt: 1, gate: "risk", decision: "pass", reason: "LOW" }] },
    attemptStarted(run_id, task_id, 1, 2000),
    { kind: "violation", row: violation(run_id, task_id) },
    attemptEnded(run_id, task_id, 1),
    { kind: "provider_state", run_id, state: { contacts: [1] } },
    taskFinal(run_id, task_id),
    { kind: "signal", row: doc("signal-1") },
    { kind: "anomaly", row: doc("anomaly-1") },
    { kind: "wave_ended", row: { run_id, wave: 1, record: { type: "wave", wave: 1 } } },
    { kind: "run_ended", run_id, status: "completed", at: 3000, summary: { type: "summary" } },
  ];
}
