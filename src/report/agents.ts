/** Per-agent figures over the whole run, for the reports' agent tables. */
import type { WaveObservation } from "../core";
import { agentPerformance, type AgentPerformance } from "../feedback";
import { ms, num, pct } from "./format";
import type { RunReport } from "./types";
import { waveViews } from "./waves";

export interface RunAgent extends AgentPerformance {
  /** Waves the agent sat out, marked failed by the monitor. */
  waves_sat_out: number;
}

/**
 * The run seen as one wave: every wave's tasks, each agent's busy time summed, waves the run
 * stopped in included, so an agent that ran only in a cut-off wave is still listed. Built this way
 * so the run's figures come from the same code as each wave's signal and cannot drift from it.
 */
export function runAgents(report: RunReport): RunAgent[] {
  const views = waveViews(report);
  const order: string[] = [];
  const busy = new Map<string, number>();
  const satOut = new Map<string, number>();
  for (const { observation } of views) {
    for (const a of observation.agents) {
      if (!busy.has(a.agent_id)) order.push(a.agent_id);
      busy.set(a.agent_id, (busy.get(a.agent_id) ?? 0) + a.busy_ms);
      if (a.failed) satOut.set(a.agent_id, (satOut.get(a.agent_id) ?? 0) + 1);
    }
  }
  const first = views[0]?.observation;
  const tasks = views.flatMap((v) => v.observation.tasks);
  const strategy = first?.strategy ?? report.run.options.strategy;
  const merged: WaveObservation = {
    run_id: report.run.run_id,
    wave: 0,
    strategy,
    agents: order.map((agent_id) => ({ agent_id, busy_ms: busy.get(agent_id)!, failed: false })),
    tasks,
    steals: report.summary.steals,
    // The run has no plan of its own; agent performance reads none.
    plan: { wave: 1, strategy, agents: order, tasks: tasks.length, planned_load: {}, expected_makespan: 0, load_balance_score: 1, parallelization_factor: 1 },
    started_at: first?.started_at ?? 0,
    ended_at: views.at(-1)?.observation.ended_at ?? 0,
  };
  return agentPerformance(merged).map((a) => ({ ...a, waves_sat_out: satOut.get(a.agent_id) ?? 0 }));
}

export const AGENT_HEAD = ["Agent", "Tasks", "Succeeded", "Failed", "Success", "Predicted", "Retries", "Mean latency", "p95 latency", "Busy", "Waves sat out"] as const;

export const agentRows = (r: RunReport): string[][] =>
  runAgents(r).map((a) => [a.agent_id, String(a.tasks), String(a.succeeded), String(a.failed), pct(a.success_rate),
    num(a.mean_predicted), String(a.retries), ms(a.mean_latency_ms), ms(a.p95_latency_ms), ms(a.busy_ms), String(a.waves_sat_out)]);
