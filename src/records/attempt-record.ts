/** The `attempt` record of `buddy show --attempts`: one execution of a task's code. */
import { Type, type Static } from "@sinclair/typebox";
import { ErrorSchema, Milliseconds, orNull, Timestamp } from "./common";

export const AttemptRecordSchema = Type.Object(
  {
    type: Type.Literal("attempt"),
    run_id: Type.String(),
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    agent_id: Type.String(),
    status: Type.Union([Type.Literal("running"), Type.Literal("succeeded"), Type.Literal("failed")]),
    started_at: Timestamp,
    ended_at: orNull(Timestamp),
    duration_ms: orNull(Milliseconds, "null while running (or cut short by a crash)"),
    result: Type.Optional(Type.Unknown({ description: "the code's return value (succeeded only)" })),
    error: orNull(ErrorSchema),
    retry_delay_ms: orNull(
      Milliseconds,
      "the wait the retry policy chose before the next attempt (null: none followed); a dry run sleeps a wait its mocks caused × --time-scale instead",
    ),
    console: Type.Array(Type.String()),
    console_truncated: Type.Boolean(),
  },
  { $id: "buddy/attempt", title: "attempt record", additionalProperties: false },
);
export type AttemptRecord = Static<typeof AttemptRecordSchema>;
