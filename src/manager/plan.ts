/** The per-wave coordination plan (SPEC 4.2). */
import type { CoordinationPlan, StrategyName } from "../core";
import type { AgentState } from "./agents";
import type { Placement } from "./strategies";

export function coordinationPlan(
  wave: number,
  strategy: StrategyName,
  agents: readonly AgentState[],
  placements: readonly Placement[],
  concurrency: number,
): CoordinationPlan {
  const load = new Map(agents.map((a) => [a.agent_id, 0]));
  for (const p of placements) load.set(p.agent.agent_id, (load.get(p.agent.agent_id) ?? 0) + p.task.predicted_execution_time);
  const loads = [...load.values()];
  const sequential = loads.reduce((s, x) => s + x, 0);
  const max = Math.max(0, ...loads);
  const min = Math.min(...loads);
  // With K tasks in flight per agent, an agent's planned load takes about load/K of wall time.
  const makespan = max / concurrency;
  return {
    wave,
    strategy,
    agents: agents.map((a) => a.agent_id),
    tasks: placements.length,
    planned_load: Object.fromEntries(load),
    expected_makespan: makespan,
    load_balance_score: max === 0 ? 1 : min / max,
    parallelization_factor: makespan === 0 ? 1 : sequential / makespan,
  };
}
