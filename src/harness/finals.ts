/** Final tasks as the harness counts them, whether they ended in this process or before a crash. */
import type { TaskStatus } from "../core";
import type { TaskFinal } from "../executor";
import type { Store, TaskRow } from "../store";
import type { FinalTally } from "./tally";

export const isFinal = (row: TaskRow): boolean => row.state === "succeeded" || row.state === "failed" || row.state === "rejected";

/** A task that reached its final state in an earlier process of the same run. */
export function finalOfRow(row: TaskRow, attempt_durations_ms: number[] = []): TaskFinal {
  return {
    task: row.task,
    agent_id: row.agent_id ?? "",
    status: row.state as TaskStatus,
    attempts: row.attempts,
    result_json: row.result_json,
    error: row.error,
    started_at: row.started_at ?? 0,
    ended_at: row.ended_at ?? 0,
    busy_ms: attempt_durations_ms.reduce((a, b) => a + b, 0),
    attempt_durations_ms,
  };
}

export const tallyOf = (f: TaskFinal): FinalTally => ({
  status: f.status,
  attempts: f.attempts,
  predicted: f.task.predicted_success_probability,
});

/** Each task's attempt durations, read once per run when tasks of an earlier process count. */
export function attemptDurations(store: Store, run_id: string): Map<string, number[]> {
  const byTask = new Map<string, number[]>();
  for (const a of store.attempts(run_id)) {
    if (a.duration_ms === null) continue;
    const list = byTask.get(a.task_id) ?? [];
    list.push(a.duration_ms);
    byTask.set(a.task_id, list);
  }
  return byTask;
}
