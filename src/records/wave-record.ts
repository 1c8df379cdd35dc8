/** The `wave` record (SPEC 3): printed after each wave; stored with the run and printed again by `buddy show`. */
import { Type, type Static } from "@sinclair/typebox";
import { CoordinationPlanSchema, STRATEGY_NAMES } from "../core";
import { CalibrationSchema } from "../feedback";
import { AnomalySchema, HEALTH_STATUSES, HealthMetricsSchema } from "../monitor";
import { Count, Milliseconds, Probability, Timestamp } from "./common";
import { TotalsSchema } from "./totals";

export const TrajectorySchema = Type.Union((["improving", "stable", "degrading"] as const).map((t) => Type.Literal(t)));

export const WaveRecordSchema = Type.Object(
  {
    type: Type.Literal("wave"),
    run_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    strategy: Type.Union(STRATEGY_NAMES.map((n) => Type.Literal(n))),
    totals: TotalsSchema,
    success_rate: Probability,
    health_score: Type.Number({ minimum: 0, maximum: 100 }),
    health_status: Type.Union(HEALTH_STATUSES.map((h) => Type.Literal(h))),
    metrics: HealthMetricsSchema,
    confidence_trajectory: TrajectorySchema,
    anomalies: Type.Array(AnomalySchema),
    calibration: CalibrationSchema,
    signals: Type.Array(
      Type.Object({ signal_id: Type.String(), signal_type: Type.String(), target_phase: Type.Integer(), confidence: Type.Number() }),
      { description: "the wave's learning signals (contents: phase21_learning_signals.jsonl, buddy report)" },
    ),
    plan: CoordinationPlanSchema,
    steals: Count,
    failed_agents: Type.Array(Type.String(), { description: "agents marked failed that sat this wave out" }),
    failed_next_wave: Type.Array(Type.String(), { description: "agents the monitor marks failed for the next wave" }),
    duration_ms: Milliseconds,
    started_at: Timestamp,
    ended_at: Timestamp,
  },
  { $id: "buddy/wave", title: "wave record", additionalProperties: false },
);
export type WaveRecord = Static<typeof WaveRecordSchema>;
