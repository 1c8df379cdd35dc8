/** Builders of runs, tasks and writes for store tests: valid by default, one field changed per test. */
import { parseRunOptions, type RunOptions } from "../../../src/config";
import type { Task } from "../../../src/core";
import { waveSignals, type Signal } from "../../../src/feedback";
import { Monitor, type Anomaly } from "../../../src/monitor";
import type { SummaryRecord, WaveRecord } from "../../../src/records";
import { TaskTally } from "../../../src/report";
import type { AssignmentRow, NewRun, Store, StoreWrite, ViolationRow, WaveDocumentRow } from "../../../src/store";
import { taskObs, wave as observedWave } from "../../builders";
import { concludeWave } from "../../../src/harness/conclude";
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
    options: runOptions(),
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
    risk_assessment: "MEDIUM", // p 0.8 is in the MEDIUM band (SPEC 4.3)
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

/** Resolved run options, as a run stores them. */
export const runOptions = (overrides: Partial<RunOptions> = {}): RunOptions => parseRunOptions({ threads: 2, ...overrides });

/**
 * A real `wave` record of run `run_id` (its health set by how many of 4 tasks succeeded), with
 * the signals and anomaly the same wave gave: documents a store must keep exactly as written.
 */
function waveDocuments(run_id: string, wave: number, succeeded = 3) {
  const tasks = [0, 1, 2, 3].map((i) => taskObs(wave, i, [i % 2, i < succeeded ? "succeeded" : "failed", 0.9, 10 + 90 * (i % 2)]));
  const observation = { ...observedWave(wave, 2, tasks), run_id };
  const { record, signals, verdict } = concludeWave(observation, new Monitor(), 1_700_000_009_000);
  return { record, signals, anomalies: verdict.anomalies };
}

export const waveRecord = (run_id: string, wave: number, succeeded?: number): WaveRecord => waveDocuments(run_id, wave, succeeded).record;

export function signalRow(run_id: string, wave: number, id: string): WaveDocumentRow<Signal> {
  const signal = waveDocuments(run_id, wave).signals[0]!;
  return { run_id, wave, id, document: { ...signal, signal_id: id } };
}

export function anomalyRow(run_id: string, wave: number, id: string): WaveDocumentRow<Anomaly> {
  const anomaly: Anomaly = {
    anomaly_id: id, wave, anomaly_type: "load_imbalance", severity: "LOW", description: "busiest agent 100 ms vs least busy 10 ms",
    affected_agents: ["agent_1"], affected_tasks: [], recommendation: "rebalance", value: 10, threshold: 1.5,
  };
  return { run_id, wave, id, document: anomaly };
}

/** A `summary` record of run `run_id` with the given outcome. */
export function summaryRecord(run_id: string, status: SummaryRecord["status"] = "completed", tasks = 1): SummaryRecord {
  const tally = new TaskTally(tasks);
  if (status === "completed") for (let i = 0; i < tasks; i++) tally.add("succeeded", 1, 0.8);
  const figures = tally.figures([]);
  return {
    type: "summary", run_id, status, totals: figures.totals, success_rate: figures.success_rate, health_score: null, health_status: null,
    confidence_trajectory: figures.confidence_trajectory, brier: figures.calibration.brier, calibration: figures.calibration,
    waves: 1, anomalies: 0, signals: 0, seed: 42, duration_ms: 10, db: "store",
  };
}

/**
 * One valid write of every kind for `task_id` of run `run_id` (in wave 1), in the order a run
 * makes them: what the all-or-nothing and fencing tests put in a batch that must leave no trace.
 */
export function everyKind(run_id: string, task_id: string): StoreWrite[] {
  return [
    { kind: "run_started", run_id, at: 1000 },
    { kind: "assignment", row: assignment(run_id, task_id, "agent_1") },
    { kind: "gate_decisions", run_id, decisions: [{ task_id, attempt: 1, gate: "risk", decision: "pass", reason: "LOW" }] },
    attemptStarted(run_id, task_id, 1, 2000),
    { kind: "violation", row: violation(run_id, task_id) },
    attemptEnded(run_id, task_id, 1),
    { kind: "provider_state", run_id, state: { contacts: [1] } },
    taskFinal(run_id, task_id),
    { kind: "signal", row: signalRow(run_id, 1, "signal-1") },
    { kind: "anomaly", row: anomalyRow(run_id, 1, "anomaly-1") },
    { kind: "wave_ended", row: { run_id, wave: 1, record: waveRecord(run_id, 1) } },
    { kind: "run_ended", run_id, status: "completed", at: 3000, summary: summaryRecord(run_id) },
  ];
}
