/**
 * The manager places each wave's tasks on agents: ordering, strategy, assignment records and
 * the coordination plan.
 */
import type { StrategyName } from "../config";
import type { Task } from "../core";
import { eligibleAgents, type AgentState } from "./agents";
import { coordinationPlan, type CoordinationPlan } from "./plan";
import { STRATEGIES, type Placement } from "./strategies";

export { createAgents, eligibleAgents, observedSuccess, type AgentState } from "./agents";
export { STRATEGIES, capFor, difficulty, type Placement, type Strategy } from "./strategies";
export type { CoordinationPlan } from "./plan";
export {
  evaluateGates,
  rejected,
  referencedProviders,
  GATES,
  RISK_FLOORS,
  type GateDecision,
  type GateName,
  type GateOptions,
  type GateVerdict,
} from "./gates";

/** SPEC 4.2: priority first (1 = most urgent), then input order. */
export function orderTasks(tasks: readonly Task[]): Task[] {
  return [...tasks].sort((a, b) => a.priority - b.priority || a.seq - b.seq);
}

export interface WavePlan {
  placements: Placement[];
  plan: CoordinationPlan;
}

export function planWave(
  wave: number,
  tasks: readonly Task[],
  agents: readonly AgentState[],
  strategy: StrategyName,
  concurrency: number,
): WavePlan {
  const eligible = eligibleAgents(agents);
  const placements = tasks.length === 0 ? [] : STRATEGIES[strategy](orderTasks(tasks), eligible);
  return { placements, plan: coordinationPlan(wave, strategy, eligible, placements, concurrency) };
}
