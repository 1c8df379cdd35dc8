/**
 * The manager places each wave's tasks on agents: ordering, strategy, assignment records and
 * the coordination plan.
 */
import type { CoordinationPlan, StrategyName, Task } from "../core";
import { eligibleAgents, type AgentState } from "./agents";
import { coordinationPlan } from "./plan";
import { STRATEGIES, type Placement } from "./strategies";

export { createAgents, type AgentState } from "./agents";
export { capFor, type Placement } from "./strategies";
export {
  evaluateGates,
  rejected,
  referencedProviders,
  type GateOptions,
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
