/** Anomaly records (a TypeBox schema, the type derived from it) and the thresholds of SPEC 8. */
import { type Static, Type } from "@sinclair/typebox";

export const ANOMALY_TYPES = ["agent_failure", "coordination_issue", "prediction_drift", "load_imbalance"] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
export type Severity = "HIGH" | "MEDIUM" | "LOW";

export const SEVERITY: Record<AnomalyType, Severity> = {
  agent_failure: "HIGH",
  coordination_issue: "MEDIUM",
  prediction_drift: "MEDIUM",
  load_imbalance: "LOW",
};

export const AnomalySchema = Type.Object(
  {
    anomaly_id: Type.String({ description: "`${run_id}-w${wave}-${anomaly_type}`, plus `-${agent_id}` for agent_failure" }),
    wave: Type.Integer({ minimum: 1 }),
    anomaly_type: Type.Union(ANOMALY_TYPES.map((t) => Type.Literal(t))),
    severity: Type.Union([Type.Literal("HIGH"), Type.Literal("MEDIUM"), Type.Literal("LOW")]),
    description: Type.String(),
    affected_agents: Type.Array(Type.String()),
    affected_tasks: Type.Array(Type.String()),
    recommendation: Type.String(),
    value: Type.Union([Type.Number(), Type.Null()], {
      description: "The measured figure the threshold was applied to; null when unbounded (an idle agent).",
    }),
    threshold: Type.Number(),
  },
  { $id: "buddy/anomaly", title: "anomaly" },
);

export type Anomaly = Static<typeof AnomalySchema>;

/** SPEC 8 thresholds. Each comparison is strict ("> 1.4", "< 0.5"), as the SPEC words them. */
export interface AnomalyThresholds {
  /** agent_failure: success rate below this… @default 0.5 */
  agent_min_success: number;
  /** …over at least this many tasks. @default 4 */
  agent_min_tasks: number;
  /** agent_failure: this many failures in a row, across waves. @default 5 */
  agent_failure_streak: number;
  /** coordination_issue: makespan / ideal above this. @default 1.4 */
  makespan_ratio: number;
  /** prediction_drift: mean |p − outcome| above this… @default 0.25 */
  drift_mean_error: number;
  /** …over at least this many tasks. @default 10 */
  drift_min_tasks: number;
  /** load_imbalance: max / min agent busy time above this. @default 1.5 */
  imbalance_ratio: number;
}

export const DEFAULT_THRESHOLDS: Readonly<AnomalyThresholds> = {
  agent_min_success: 0.5,
  agent_min_tasks: 4,
  agent_failure_streak: 5,
  makespan_ratio: 1.4,
  drift_mean_error: 0.25,
  drift_min_tasks: 10,
  imbalance_ratio: 1.5,
};
