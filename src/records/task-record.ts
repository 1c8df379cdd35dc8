/**
 * The `task` record (SPEC 3): printed once per task as it reaches its final state, and the same
 * record, field for field, by `buddy show --tasks` and `buddy resume --replay`. Built here only,
 * from the one FinishedTask shape, whether the task ended just now or is read from the store.
 */
import { Type, type Static } from "@sinclair/typebox";
import { durationMs, iso, type FinishedTask } from "../core";
import { Count, errorRecord, ErrorSchema, Milliseconds, Probability, Timestamp } from "./common";

export const TaskRecordSchema = Type.Object(
  {
    type: Type.Literal("task"),
    run_id: Type.String(),
    task_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    agent_id: Type.String(),
    status: Type.Union([Type.Literal("succeeded"), Type.Literal("failed"), Type.Literal("rejected")]),
    attempts: Count,
    result: Type.Optional(Type.Unknown({ description: "the code's return value (succeeded only)" })),
    error: Type.Optional(ErrorSchema),
    predicted_success_probability: Probability,
    duration_ms: Milliseconds,
    started_at: Timestamp,
    ended_at: Timestamp,
    meta: Type.Record(Type.String(), Type.Unknown()),
    console: Type.Optional(Type.Array(Type.String(), { description: "a failed task's last attempt's console, capped at 4,096 characters" })),
  },
  { $id: "buddy/task", title: "task record", additionalProperties: false },
);
export type TaskRecord = Static<typeof TaskRecordSchema>;

export function taskRecord(run_id: string, f: FinishedTask): TaskRecord {
  const record: TaskRecord = {
    type: "task",
    run_id,
    task_id: f.task.task_id,
    wave: f.task.wave,
    agent_id: f.agent_id,
    status: f.status,
    attempts: f.attempts,
    predicted_success_probability: f.task.predicted_success_probability,
    duration_ms: durationMs(f),
    started_at: iso(f.started_at),
    ended_at: iso(f.ended_at),
    meta: f.task.meta,
  };
  if (f.result_json !== null) record.result = JSON.parse(f.result_json);
  if (f.error) record.error = errorRecord(f.error);
  if (f.console !== undefined) record.console = f.console;
  return record;
}
