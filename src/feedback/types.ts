/** Signal types and routing (SPEC 7); the record shapes are the schemas in schema.ts. */
import type { Signal } from "./schema";

export * from "./schema";

export const SIGNAL_TYPES = [
  "agent_performance",
  "multi_agent_coordination",
  "heuristic_feedback",
  "prediction_validation",
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** The phase each signal type feeds: 16 heuristics, 18 multi-agent, 20 prediction (SPEC 7). */
export const TARGET_PHASE = {
  agent_performance: 18,
  multi_agent_coordination: 18,
  heuristic_feedback: 16,
  prediction_validation: 20,
} as const satisfies Record<SignalType, 16 | 18 | 20>;

/** The signal record of one type, with its content narrowed. */
export type SignalOf<T extends SignalType> = Extract<Signal, { signal_type: T }>;
export type SignalContentByType = { [T in SignalType]: SignalOf<T>["content"] };
