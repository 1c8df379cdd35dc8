/** The `task` stdout record of a final task (SPEC 3). */
import type { TaskFinal } from "../executor";
import type { StoreWrite } from "../store";
import type { TaskRecord } from "./records";

const iso = (ms: number) => new Date(ms).toISOString();

export function taskRecord(run_id: string, f: TaskFinal): TaskRecord {
  const record: TaskRecord = {
    type: "task",
    run_id,
    task_id: f.task.task_id,
    wave: f.task.wave,
    agent_id: f.agent_id,
    status: f.status,
    attempts: f.attempts,
    predicted_success_probability: f.task.predicted_success_probability,
    duration_ms: f.ended_at - f.started_at,
    started_at: iso(f.started_at),
    ended_at: iso(f.ended_at),
    meta: f.task.meta,
  };
  if (f.result_json !== null) record.result = JSON.parse(f.result_json);
  if (f.error) {
    const { code, message, retryable, violation_type, status } = f.error;
    record.error = { code, message, retryable };
    if (violation_type !== undefined) record.error.violation_type = violation_type;
    if (status !== undefined) record.error.status = status;
  }
  return record;
}

export function taskFinalWrite(run_id: string, f: TaskFinal): StoreWrite {
  return {
    kind: "task_final",
    run_id,
    task_id: f.task.task_id,
    state: f.status,
    agent_id: f.agent_id,
    attempts: f.attempts,
    result_json: f.result_json,
    error: f.error,
    started_at: f.started_at,
    ended_at: f.ended_at,
    duration_ms: f.ended_at - f.started_at,
  };
}
