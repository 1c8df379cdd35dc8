/**
 * The records buddy prints on stdout, one JSON object per line (SPEC 3). Each is a TypeBox
 * schema: the static type is derived from it and `buddy schema NAME` prints it, so what is
 * documented is what is checked.
 */
import { FormatRegistry, Type, type Static } from "@sinclair/typebox";
import { STRATEGY_NAMES } from "../config";
import { ATTEMPT_ERROR_CODES } from "../core";
import { CalibrationSchema } from "../feedback";
import { AnomalySchema, HEALTH_STATUSES, HealthMetricsSchema } from "../monitor";
import { VIOLATION_TYPES } from "../sandbox";

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

const Trajectory = Type.Union((["improving", "stable", "degrading"] as const).map((t) => Type.Literal(t)));

const PlanSchema = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    strategy: Type.Union(STRATEGY_NAMES.map((n) => Type.Literal(n))),
    agents: Type.Array(Type.String()),
    tasks: Count,
    planned_load: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
    expected_makespan: Type.Number({ minimum: 0 }),
    load_balance_score: Type.Number({ minimum: 0, maximum: 1 }),
    parallelization_factor: Type.Number({ minimum: 0 }),
  },
  { description: "the coordination plan of the wave (SPEC 4.2)" },
);

export const WaveRecordSchema = Type.Object(
  {
    type: Type.Literal("wave"),
    run_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    strategy: Type.String(),
    totals: Totals,
    success_rate: Probability,
    health_score: Type.Number({ minimum: 0, maximum: 100 }),
    health_status: Type.Union(HEALTH_STATUSES.map((h) => Type.Literal(h))),
    metrics: HealthMetricsSchema,
    confidence_trajectory: Trajectory,
    anomalies: Type.Array(AnomalySchema),
    calibration: CalibrationSchema,
    signals: Type.Array(
      Type.Object({ signal_id: Type.String(), signal_type: Type.String(), target_phase: Type.Integer(), confidence: Type.Number() }),
      { description: "the wave's learning signals (contents: phase21_learning_signals.jsonl, buddy report)" },
    ),
    plan: PlanSchema,
    steals: Count,
    failed_agents: Type.Array(Type.String(), { description: "agents marked failed that sat this wave out" }),
    failed_next_wave: Type.Array(Type.String(), { description: "agents the monitor marks failed for the next wave" }),
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
    status: Type.Union((["completed", "failed", "halted", "interrupted"] as const).map((s) => Type.Literal(s))),
    totals: Totals,
    success_rate: Probability,
    health_score: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { description: "mean of the waves' health scores" }),
    health_status: Type.Union([...HEALTH_STATUSES.map((h) => Type.Literal(h)), Type.Null()]),
    confidence_trajectory: Trajectory,
    brier: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: "over every task that ran" }),
    calibration: CalibrationSchema,
    waves: Count,
    anomalies: Count,
    signals: Count,
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

/** One entry of the sandbox violation log (SPEC 5), as `buddy violations` prints it. */
export const ViolationRecordSchema = Type.Object(
  {
    type: Type.Literal("violation"),
    timestamp: Timestamp,
    run_id: Type.String(),
    task_id: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    execution_id: Type.String({ description: "run_id/task_id/attempt" }),
    violation_type: Type.Union(VIOLATION_TYPES.map((t) => Type.Literal(t))),
    details: Type.String(),
    code_preview: Type.String({ maxLength: 200, description: "the first 200 characters of the task's code" }),
  },
  { $id: "buddy/violation-record", title: "sandbox violation record", additionalProperties: false },
);

export type TaskRecord = Static<typeof TaskRecordSchema>;
export type ErrorRecord = Static<typeof ErrorSchema>;
export type ViolationRecord = Static<typeof ViolationRecordSchema>;
export type WaveRecord = Static<typeof WaveRecordSchema>;
export type SummaryRecord = Static<typeof SummaryRecordSchema>;
export type ResultRecord = Static<typeof ResultRecordSchema>;
export type Totals = Static<typeof Totals>;
