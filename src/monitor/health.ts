/** Per-wave health (SPEC 8): four metrics in [0, 1] and their weighted score out of 100. */
import { type Static, Type } from "@sinclair/typebox";
import { figure, type WaveObservation } from "../core";
import { predictionPairs, waveLoad } from "../feedback";

export const HEALTH_STATUSES = ["EXCELLENT", "GOOD", "FAIR", "POOR"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

const Unit = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const HealthMetricsSchema = Type.Object({
  success_rate: Unit("succeeded / final tasks (rejected tasks count as not succeeded)"),
  availability: Unit("agents not marked failed / agents"),
  accuracy: Unit("1 − mean |p − outcome| over the tasks that ran"),
  load_balance: Unit("min / max busy time over the agents that should have had work"),
});

export const WaveHealthSchema = Type.Object(
  {
    wave: Type.Integer({ minimum: 1 }),
    metrics: HealthMetricsSchema,
    health_score: Type.Number({ minimum: 0, maximum: 100, description: "100 × Σ weight × metric" }),
    health_status: Type.Union(HEALTH_STATUSES.map((h) => Type.Literal(h))),
  },
  { $id: "buddy/wave-health", title: "wave health" },
);

type HealthMetrics = Static<typeof HealthMetricsSchema>;
export type WaveHealth = Static<typeof WaveHealthSchema>;

/** SPEC 8 weights; they sum to 1, so the score is a percentage. */
const HEALTH_WEIGHTS: Readonly<HealthMetrics> = { success_rate: 0.4, availability: 0.2, accuracy: 0.2, load_balance: 0.2 };

/** Lowest score of each status, best first (SPEC 8); the HTML report's health legend reads them. */
export const HEALTH_STATUS_FLOORS: ReadonlyArray<readonly [HealthStatus, number]> = [
  ["EXCELLENT", 90],
  ["GOOD", 70],
  ["FAIR", 50],
  ["POOR", -Infinity],
];

export function healthStatus(score: number): HealthStatus {
  return HEALTH_STATUS_FLOORS.find(([, floor]) => score >= floor)![0];
}

function healthScore(m: HealthMetrics): number {
  return 100 * (HEALTH_WEIGHTS.success_rate * m.success_rate + HEALTH_WEIGHTS.availability * m.availability +
    HEALTH_WEIGHTS.accuracy * m.accuracy + HEALTH_WEIGHTS.load_balance * m.load_balance);
}

/**
 * A metric with nothing to measure (no final task, no agent) is 1: nothing went wrong. The
 * alternative, 0, would call a wave whose tasks were all finished before a resume POOR.
 */
export function waveHealth(obs: WaveObservation): WaveHealth {
  const final = obs.tasks.length;
  const succeeded = obs.tasks.filter((t) => t.status === "succeeded").length;
  const pairs = predictionPairs(obs.tasks);
  const error = pairs.reduce((s, x) => s + Math.abs(x.p - x.outcome), 0);
  const agents = obs.agents.length;
  const metrics: HealthMetrics = {
    success_rate: final === 0 ? 1 : succeeded / final,
    availability: agents === 0 ? 1 : obs.agents.filter((a) => !a.failed).length / agents,
    accuracy: pairs.length === 0 ? 1 : 1 - error / pairs.length,
    load_balance: waveLoad(obs).load_balance,
  };
  // At the 4 decimals every record prints (core/figures.ts): the run's health is the mean of the
  // very scores its wave records show, whether the summary or a report read later averages them.
  const health_score = figure(healthScore(metrics));
  return { wave: obs.wave, metrics, health_score, health_status: healthStatus(health_score) };
}
