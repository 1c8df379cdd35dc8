/** The learning signals of SPEC 7: one record per signal type per wave. */
import type { Calibration } from "./calibration";

export const SIGNAL_TYPES = [
  "agent_performance",
  "multi_agent_coordination",
  "heuristic_feedback",
  "prediction_validation",
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** The phase each signal type feeds: 16 heuristics, 18 multi-agent, 20 prediction (SPEC 7). */
export const TARGET_PHASE: Record<SignalType, 16 | 18 | 20> = {
  agent_performance: 18,
  multi_agent_coordination: 18,
  heuristic_feedback: 16,
  prediction_validation: 20,
};

export interface AgentPerformance {
  agent_id: string;
  /** Final tasks that ran on the agent (rejected tasks never ran and are not counted). */
  tasks: number;
  succeeded: number;
  failed: number;
  /** succeeded / tasks; null without tasks. */
  success_rate: number | null;
  attempts: number;
  /** attempts − tasks. */
  retries: number;
  /** Over the agent's attempts, in ms. */
  mean_latency_ms: number | null;
  /** Nearest-rank 95th percentile of the agent's attempt durations, in ms. */
  p95_latency_ms: number | null;
  busy_ms: number;
  mean_predicted: number | null;
  observed_rate: number | null;
  /** observed_rate − mean_predicted: negative means the agent does worse than predicted. */
  gap: number | null;
  /** Marked failed by the monitor before this wave (so it got no tasks). */
  failed_flag: boolean;
}

export interface AgentPerformanceContent {
  agents: AgentPerformance[];
  /** Highest success rate among agents with tasks (ties: lower index); null if none ran. */
  best_agent: string | null;
  worst_agent: string | null;
}

export interface CoordinationContent {
  strategy: string;
  agents: number;
  /** Agents that could take tasks this wave (not marked failed). */
  available_agents: number;
  failed_agents: string[];
  tasks: number;
  /** Planned (predicted_execution_time, seconds) and observed (busy, ms) load per agent. */
  planned_load: Record<string, number>;
  busy_ms: Record<string, number>;
  /** The plan's min / max planned load. */
  planned_load_balance: number;
  /** min / max busy time over the agents that should have had work (see monitor). */
  load_balance: number;
  expected_makespan_s: number;
  makespan_ms: number;
  ideal_makespan_ms: number;
  /** makespan / ideal; 1 when nothing was busy. */
  makespan_ratio: number;
  parallelization_factor: number;
  steals: number;
}

export interface GroupOutcome {
  tasks: number;
  mean_predicted: number | null;
  observed_rate: number | null;
  /** observed_rate − mean_predicted. */
  gap: number | null;
}

export interface HeuristicContent {
  by_risk: Array<{ risk: string } & GroupOutcome>;
  by_priority: Array<{ priority: number } & GroupOutcome>;
  /** Pearson correlation of prediction and outcome; null when either does not vary. */
  confidence_success_correlation: number | null;
}

export interface TaskValidation {
  task_id: string;
  agent_id: string;
  predicted: number;
  /** 1 succeeded, 0 failed. */
  actual: 0 | 1;
  /** |predicted − actual| (the original's error_margin). */
  error: number;
}

export interface PredictionContent {
  tasks: TaskValidation[];
  calibration: Calibration;
}

export interface SignalContentByType {
  agent_performance: AgentPerformanceContent;
  multi_agent_coordination: CoordinationContent;
  heuristic_feedback: HeuristicContent;
  prediction_validation: PredictionContent;
}

export interface SignalOf<T extends SignalType> {
  signal_id: string;
  run_id: string;
  wave: number;
  signal_type: T;
  target_phase: 16 | 18 | 20;
  /** From the sample size n: n < 3 → 0.5, n ≤ 10 → 0.7, else 0.9. */
  confidence: number;
  content: SignalContentByType[T];
  recommendations: string[];
  /** ISO-8601. */
  generated_at: string;
}

export type Signal = { [T in SignalType]: SignalOf<T> }[SignalType];
