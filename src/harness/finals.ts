/** Final tasks as the harness counts them, whether they ended in this process or before a crash. */
import type { TaskStatus } from "../core";
import type { TaskFinal } from "../executor";
import type { TaskRow } from "../store";
import type { FinalTally } from "./tally";

export const isFinal = (row: TaskRow): boolean => row.state === "succeeded" || row.state === "failed" || row.state === "rejected";

/** A task that reached its final state in an earlier process of the same run. */
export function finalOfRow(row: TaskRow): TaskFinal {
  return {
    task: row.task,
    agent_id: row.agent_id ?? "",
    status: row.state as TaskStatus,
    attempts: row.attempts,
    result_json: row.result_json,
    error: row.error,
    started_at: row.started_at ?? 0,
    ended_at: row.ended_at ?? 0,
    busy_ms: row.duration_ms ?? 0,
  };
}

export const tallyOf = (f: TaskFinal): FinalTally => ({
  status: f.status,
  attempts: f.attempts,
  predicted: f.task.predicted_success_probability,
});
