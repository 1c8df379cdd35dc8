/**
 * The learning signal record of SPEC 7 as TypeBox schemas: the static types are derived from
 * them, and `buddy schema signal` can print SignalSchema, so what is documented is what is
 * written to learning_signals.jsonl and the phase feedback files.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";

const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });
const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Number({ minimum: 0, maximum: 1 });

const CalibrationBinSchema = Type.Object({
  lower: Type.Number({ description: "Bin range [lower, upper); the last bin includes 1." }),
  upper: Type.Number(),
  n: Count,
  mean_predicted: Nullable(Rate, "null when the bin is empty"),
  observed_rate: Nullable(Rate),
});

/** Statistics are null when n = 0: a statistic of nothing is not 0. */
export const CalibrationSchema = Type.Object(
  {
    n: Count,
    mean_predicted: Nullable(Rate),
    observed_rate: Nullable(Rate),
    bias: Nullable(Type.Number(), "mean_predicted − observed_rate: positive means predictions run high"),
    mae: Nullable(Type.Number(), "mean |p − outcome|"),
    brier: Nullable(Type.Number(), "mean (p − outcome)²"),
    log_loss: Nullable(Type.Number(), "mean −[y ln p + (1 − y) ln(1 − p)], p clipped to [0.001, 0.999]"),
    ece: Nullable(Type.Number(), "Σ (n_bin / n) × |mean_predicted_bin − observed_rate_bin|"),
    bins: Type.Array(CalibrationBinSchema, { description: "10 equal-width bins" }),
  },
  { $id: "buddy/calibration", title: "calibration" },
);

export const AgentPerformanceSchema = Type.Object({
  agent_id: Type.String(),
  tasks: Type.Integer({ minimum: 0, description: "Final tasks that ran on the agent (rejected tasks never ran)." }),
  succeeded: Count,
  failed: Count,
  success_rate: Nullable(Rate, "succeeded / tasks; null without tasks"),
  attempts: Count,
  retries: Type.Integer({ minimum: 0, description: "attempts − tasks" }),
  mean_latency_ms: Nullable(Type.Number(), "over the agent's attempts"),
  p95_latency_ms: Nullable(Type.Number(), "nearest-rank 95th percentile of the agent's attempt durations"),
  busy_ms: Type.Number({ minimum: 0 }),
  mean_predicted: Nullable(Rate),
  observed_rate: Nullable(Rate),
  gap: Nullable(Type.Number(), "observed_rate − mean_predicted: negative means worse than predicted"),
  failed_flag: Type.Boolean({ description: "Marked failed by the monitor before this wave (so it got no tasks)." }),
});

const AgentPerformanceContent = Type.Object({
  agents: Type.Array(AgentPerformanceSchema),
  best_agent: Nullable(Type.String(), "highest success rate among agents with tasks (ties: lower index)"),
  worst_agent: Nullable(Type.String()),
});

const CoordinationContent = Type.Object({
  strategy: Type.String(),
  agents: Count,
  available_agents: Type.Integer({ minimum: 0, description: "Agents not marked failed this wave." }),
  failed_agents: Type.Array(Type.String()),
  tasks: Count,
  planned_load: Type.Record(Type.String(), Type.Number(), { description: "predicted_execution_time per agent, seconds" }),
  busy_ms: Type.Record(Type.String(), Type.Number(), { description: "observed busy time per agent" }),
  planned_load_balance: Rate,
  load_balance: Type.Number({ description: "min / max busy over the agents that should have had work" }),
  expected_makespan_s: Type.Number(),
  makespan_ms: Type.Number({ description: "the busiest agent's busy time" }),
  ideal_makespan_ms: Type.Number({ description: "total busy / agents that could share the work" }),
  makespan_ratio: Type.Number(),
  parallelization_factor: Type.Number(),
  steals: Count,
});

const groupOutcome = {
  tasks: Count,
  mean_predicted: Nullable(Rate),
  observed_rate: Nullable(Rate),
  gap: Nullable(Type.Number(), "observed_rate − mean_predicted"),
};
const GroupOutcome = Type.Object(groupOutcome);

const HeuristicContent = Type.Object({
  by_risk: Type.Array(Type.Object({ risk: Type.String(), ...groupOutcome })),
  by_priority: Type.Array(Type.Object({ priority: Type.Integer(), ...groupOutcome })),
  confidence_success_correlation: Nullable(Type.Number(), "Pearson correlation of prediction and outcome"),
});

const TaskValidationSchema = Type.Object({
  task_id: Type.String(),
  agent_id: Type.String(),
  predicted: Rate,
  actual: Type.Union([Type.Literal(0), Type.Literal(1)]),
  error: Type.Number({ minimum: 0, maximum: 1, description: "|predicted − actual| (the original's error_margin)" }),
});

const PredictionContent = Type.Object({
  tasks: Type.Array(TaskValidationSchema, {
    description: "every task that ran in the wave in the reports; in the stored signal, the 100 worst predictions (by error), in input order",
  }),
  tasks_total: Type.Integer({ minimum: 0, description: "tasks that ran in the wave (rejected ones never tested a prediction)" }),
  confident_misses: Type.Integer({ minimum: 0, description: "tasks whose error is above 0.8" }),
  calibration: CalibrationSchema,
});

function signalOf<T extends string, P extends number, C extends TSchema>(signal_type: T, target_phase: P, content: C) {
  return Type.Object({
    signal_id: Type.String({ description: "`${run_id}-w${wave}-${signal_type}`" }),
    run_id: Type.String(),
    wave: Type.Integer({ minimum: 1 }),
    signal_type: Type.Literal(signal_type),
    target_phase: Type.Literal(target_phase),
    confidence: Type.Number({ description: "From the sample size n: n < 3 → 0.5, n ≤ 10 → 0.7, else 0.9." }),
    content,
    recommendations: Type.Array(Type.String()),
    generated_at: Type.String({ format: "date-time" }),
  });
}

export const SignalSchema = Type.Union(
  [
    signalOf("agent_performance", 18, AgentPerformanceContent),
    signalOf("multi_agent_coordination", 18, CoordinationContent),
    signalOf("heuristic_feedback", 16, HeuristicContent),
    signalOf("prediction_validation", 20, PredictionContent),
  ],
  { $id: "buddy/signal", title: "learning signal" },
);

export type CalibrationBin = Static<typeof CalibrationBinSchema>;
export type Calibration = Static<typeof CalibrationSchema>;
export type AgentPerformance = Static<typeof AgentPerformanceSchema>;
export type AgentPerformanceContent = Static<typeof AgentPerformanceContent>;
export type CoordinationContent = Static<typeof CoordinationContent>;
export type HeuristicContent = Static<typeof HeuristicContent>;
export type GroupOutcome = Static<typeof GroupOutcome>;
export type PredictionContent = Static<typeof PredictionContent>;
export type Signal = Static<typeof SignalSchema>;
