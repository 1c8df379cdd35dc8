/** The `task` stdout record of a final task (SPEC 3). */
import type { TaskFinal } from "../executor";
import type { StoreWrite } from "../store";
import type { AttemptError } from "../core";
import type { ErrorRecord, TaskRecord } from "./records";

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
  if (f.error) record.error = errorRecord(f.error);
  return record;
}

/** An attempt's error as records print it (SPEC 3): the retry wait stays internal. */
export function errorRecord(error: AttemptError): ErrorRecord {
  const { code, message, retryable, violation_type, status } = error;
  return {
    code,
    message,
    retryable,
    ...(violation_type === undefined ? {} : { violation_type }),
    ...(status === undefined ? {} : { status }),
  };
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
