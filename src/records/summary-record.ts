/** The `summary` record (SPEC 3): the last line of `run` and `resume`, kept with the run. */
import { Type, type Static } from "@sinclair/typebox";
import { CalibrationSchema } from "../feedback";
import { HEALTH_STATUSES } from "../monitor";
import { Count, Milliseconds, orNull, Probability } from "./common";
import { TotalsSchema } from "./totals";
import { TrajectorySchema } from "./wave-record";

const RUN_OUTCOMES = ["completed", "failed", "halted", "interrupted"] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export const SummaryRecordSchema = Type.Object(
  {
    type: Type.Literal("summary"),
    run_id: Type.String(),
    status: Type.Union(RUN_OUTCOMES.map((s) => Type.Literal(s))),
    totals: TotalsSchema,
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
