/** The `result` record of `buddy sandbox eval`: one snippet's attempt, as a task's would be. */
import { Type, type Static } from "@sinclair/typebox";
import { ErrorSchema, Milliseconds } from "./common";

export const ResultRecordSchema = Type.Object(
  {
    type: Type.Literal("result"),
    status: Type.Union([Type.Literal("succeeded"), Type.Literal("failed")]),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorSchema),
    console: Type.Array(Type.String()),
    console_truncated: Type.Boolean(),
    violations: Type.Array(Type.Object({ violation_type: Type.String(), details: Type.String() })),
    duration_ms: Milliseconds,
  },
  { $id: "buddy/result", title: "sandbox result record", additionalProperties: false },
);
export type ResultRecord = Static<typeof ResultRecordSchema>;
