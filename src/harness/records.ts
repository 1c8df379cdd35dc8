/**
 * The records buddy prints on stdout, one JSON object per line (SPEC 3). Each is a TypeBox
 * schema: the static type is derived from it and `buddy schema NAME` prints it, so what is
 * documented is what is checked.
 */
import { FormatRegistry, Type, type Static } from "@sinclair/typebox";
import { ATTEMPT_ERROR_CODES } from "../core";

// TypeBox knows no formats by itself; register the one the records use so that checking a
// record against its schema (tests, consumers using TypeBox) checks timestamps too.
if (!FormatRegistry.Has("date-time")) {
  FormatRegistry.Set("date-time", (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)));
}
const Timestamp = Type.String({ format: "date-time" });
const Probability = Type.Number({ minimum: 0, maximum: 1 });
const Count = Type.Integer({ minimum: 0 });

export const ErrorSchema = Type.Object(
  {
    code: Type.Union(ATTEMPT_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    retryable: Type.Boolean(),
    violation_type: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

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
    duration_ms: Type.Number({ minimum: 0 }),
    started_at: Timestamp,
    ended_at: Timestamp,
    meta: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: "buddy/task-record", title: "task record", additionalProperties: false },
);

const Totals = Type.Object(
  { tasks: Count, succeeded: Count, failed: Count, rejected: Count, attempts: Count, retries: Count },
  { additionalProperties: false },
);

export const WaveRecordSchema = Type.Object(
  {
    type: Type.Literal("wave"),
    run_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    strategy: Type.String(),
    totals: Totals,
    success_rate: Probability,
    mean_predicted: Probability,
    brier: Type.Number({ minimum: 0, maximum: 1 }),
    steals: Count,
    duration_ms: Type.Number({ minimum: 0 }),
    started_at: Timestamp,
    ended_at: Timestamp,
  },
  { $id: "buddy/wave-record", title: "wave record", additionalProperties: false },
);

export const SummaryRecordSchema = Type.Object(
  {
    type: Type.Literal("summary"),
    run_id: Type.String(),
    status: Type.Union(["completed", "failed", "halted", "interrupted"].map((s) => Type.Literal(s))),
    totals: Totals,
    success_rate: Probability,
    brier: Type.Number({ minimum: 0, maximum: 1 }),
    waves: Count,
    seed: Type.Integer({ minimum: 0 }),
    duration_ms: Type.Number({ minimum: 0 }),
    db: Type.String(),
  },
  { $id: "buddy/summary-record", title: "summary record", additionalProperties: false },
);

export const ResultRecordSchema = Type.Object(
  {
    type: Type.Literal("result"),
    status: Type.Union([Type.Literal("succeeded"), Type.Literal("failed")]),
    result: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorSchema),
    console: Type.Array(Type.String()),
    console_truncated: Type.Boolean(),
    violations: Type.Array(Type.Object({ violation_type: Type.String(), details: Type.String() })),
    duration_ms: Type.Number({ minimum: 0 }),
  },
  { $id: "buddy/result-record", title: "sandbox result record", additionalProperties: false },
);

export type TaskRecord = Static<typeof TaskRecordSchema>;
export type WaveRecord = Static<typeof WaveRecordSchema>;
export type SummaryRecord = Static<typeof SummaryRecordSchema>;
export type ResultRecord = Static<typeof ResultRecordSchema>;
export type Totals = Static<typeof Totals>;
