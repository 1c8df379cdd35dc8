/** The `summary` record (SPEC 3): the last line of `run` and `resume`, kept with the run. */
import { Type, type Static } from "@sinclair/typebox";
import { CalibrationSchema } from "../feedback";
import { HEALTH_STATUSES } from "../monitor";
import { ATTEMPT_ERROR_CODES, EXIT } from "../core";
import { Count, Milliseconds, orNull, Probability } from "./common";
import { TotalsSchema } from "./totals";
import { TrajectorySchema } from "./wave-record";

const RUN_OUTCOMES = ["completed", "failed", "halted", "interrupted"] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/** The summary lists at most this many failed tasks; `totals` counts them all. */
export const FAILED_TASKS_LISTED = 100;

/** A task that did not succeed, as the summary names it. */
const FailedTaskSchema = Type.Object(
  { task_id: Type.String(), code: Type.Union(ATTEMPT_ERROR_CODES.map((c) => Type.Literal(c))) },
  { additionalProperties: false },
);
export type FailedTask = Static<typeof FailedTaskSchema>;

const LATER = "absent only in summaries stored by builds before it";

export const SummaryRecordSchema = Type.Object(
  {
    type: Type.Literal("summary"),
    run_id: Type.String(),
    status: Type.Union(RUN_OUTCOMES.map((s) => Type.Literal(s))),
    exit_code: Type.Optional(Type.Union(Object.values(EXIT).map((c) => Type.Literal(c)), { description: `the code buddy exits with for this run (SPEC 3); ${LATER}` })),
    totals: TotalsSchema,
    failed_tasks: Type.Optional(
      Type.Array(FailedTaskSchema, { maxItems: FAILED_TASKS_LISTED, description: `failed and rejected tasks, by wave then input order, the first ${FAILED_TASKS_LISTED}; ${LATER}` }),
    ),
    halted_by: Type.Optional(orNull(FailedTaskSchema, `the task whose failure halted a --fail-fast run; ${LATER}`)),
    success_rate: orNull(Probability, "succeeded / finished tasks; null before any task finished"),
    health_score: orNull(Type.Number({ minimum: 0, maximum: 100 }), "mean of the waves' health scores"),
    health_status: Type.Union([...HEALTH_STATUSES.map((h) => Type.Literal(h)), Type.Null()]),
    confidence_trajectory: TrajectorySchema,
    brier: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: "over every task that ran" }),
    calibration: CalibrationSchema,
    waves: Count,
    anomalies: Count,
    signals: Count,
    seed: Type.Integer({ minimum: 0 }),
    duration_ms: Milliseconds,
    db: Type.String(),
  },
  { $id: "buddy/summary", title: "summary record", additionalProperties: false },
);
export type SummaryRecord = Static<typeof SummaryRecordSchema>;
