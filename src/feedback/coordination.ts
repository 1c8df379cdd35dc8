/** The multi_agent_coordination signal (SPEC 7 → Phase 18): how well the work was spread. */
import type { WaveObservation } from "../core";
import { fixed } from "./format";
import { waveLoad } from "./load";
import type { CoordinationContent } from "./types";

/** The monitor's thresholds (SPEC 8), reused so advice and anomalies agree. */
const MAKESPAN_RATIO = 1.4;
const IMBALANCE_RATIO = 1.5;

export function coordinationContent(obs: WaveObservation): CoordinationContent {
  const load = waveLoad(obs);
  return {
    strategy: obs.strategy,
    agents: obs.agents.length,
    available_agents: load.available.length,
    failed_agents: obs.agents.filter((a) => a.failed).map((a) => a.agent_id),
    tasks: obs.tasks.length,
    planned_load: obs.plan.planned_load,
    busy_ms: Object.fromEntries(obs.agents.map((a) => [a.agent_id, a.busy_ms])),
    planned_load_balance: obs.plan.load_balance_score,
    load_balance: load.load_balance,
    expected_makespan_s: obs.plan.expected_makespan,
    makespan_ms: load.makespan_ms,
    ideal_makespan_ms: load.ideal_makespan_ms,
    makespan_ratio: load.makespan_ratio,
    parallelization_factor: obs.plan.parallelization_factor,
    steals: obs.steals,
  };
}

export function coordinationRecommendations(c: CoordinationContent): string[] {
  const out: string[] = [];
  const uneven = c.makespan_ratio > MAKESPAN_RATIO || c.load_balance < 1 / IMBALANCE_RATIO;
  if (uneven) {
    const what = `the busiest agent worked ${fixed(c.makespan_ratio)}× the ideal share (load balance ${fixed(c.load_balance)})`;
    out.push(
      c.strategy === "load_balanced"
        ? `${what}: predicted_execution_time misjudges the tasks; feed observed durations back into the estimates`
        : `${what}: try --strategy load_balanced, which plans by predicted time and steals work when an agent idles`,
    );
  }
  if (c.planned_load_balance < 1 / IMBALANCE_RATIO && c.tasks >= c.available_agents) {
    out.push(`the plan itself was uneven (planned balance ${fixed(c.planned_load_balance)}); a few long tasks dominate the wave`);
  }
  if (c.steals > 0) {
    out.push(`${c.steals} task(s) were stolen by idle agents: the plan underestimated some agents' queues`);
  }
  if (c.failed_agents.length > 0) {
    out.push(`${c.failed_agents.join(", ")} sat out this wave (marked failed); ${c.available_agents} agent(s) carried the load`);
  }
  if (out.length === 0) out.push(`load was well balanced (${fixed(c.load_balance)}); keep the ${c.strategy} strategy`);
  return out;
}
