/** Assignment strategy names (SPEC 4.2); the implementations live in src/manager. */
export const STRATEGY_NAMES = ["round_robin", "load_balanced", "priority_based", "confidence_based"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
