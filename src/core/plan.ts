/**
 * The coordination plan of one wave (SPEC 4.2): what the manager planned before the wave ran.
 * One shape, printed in the `wave` record, kept in the store and read by the feedback loop.
 */
import { Type, type Static } from "@sinclair/typebox";
import { STRATEGY_NAMES } from "./task";

export const CoordinationPlanSchema = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    strategy: Type.Union(STRATEGY_NAMES.map((n) => Type.Literal(n))),
    /** The agents eligible for the wave. */
    agents: Type.Array(Type.String()),
    tasks: Type.Integer({ minimum: 0 }),
    planned_load: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: "sum of predicted_execution_time per agent, in seconds" }),
    expected_makespan: Type.Number({ minimum: 0 }),
    load_balance_score: Type.Number({ minimum: 0, maximum: 1, description: "min / max planned load over the agents (1 when nothing is planned)" }),
    parallelization_factor: Type.Number({ minimum: 0, description: "sequential time / makespan" }),
  },
  { description: "the coordination plan of the wave (SPEC 4.2)", additionalProperties: false },
);

export type CoordinationPlan = Static<typeof CoordinationPlanSchema>;
