/** The agent_performance signal (SPEC 7 → Phase 18): how each agent did against its predictions. */
import { outcomeOf, type FinishedTask, type WaveObservation } from "../core";
import { fixed, pct } from "./format";
import { ranTasks } from "./pairs";
import { mean, percentile } from "./stats";
import type { AgentPerformance, AgentPerformanceContent } from "./types";

/** Advice thresholds: a gap this large between observed and predicted is worth acting on. */
const NOTABLE_GAP = 0.15;
/** Below this success rate (with at least MIN_TASKS tasks) an agent is called unreliable. */
const LOW_SUCCESS = 0.5;
const MIN_TASKS = 3;
/** Retries per task above which the agent's retries are pointed out. */
const HIGH_RETRY_RATE = 0.5;

export function agentPerformance(obs: WaveObservation): AgentPerformance[] {
  const byAgent = new Map<string, FinishedTask[]>(obs.agents.map((a) => [a.agent_id, []]));
  for (const t of ranTasks(obs.tasks)) {
    const list = byAgent.get(t.agent_id);
    if (list) list.push(t);
    else byAgent.set(t.agent_id, [t]); // an agent outside the run's list still gets reported
  }
  const flagged = new Set(obs.agents.filter((a) => a.failed).map((a) => a.agent_id));
  const busy = new Map(obs.agents.map((a) => [a.agent_id, a.busy_ms]));
  return [...byAgent].map(([agent_id, tasks]) => {
    const succeeded = tasks.filter((t) => t.status === "succeeded").length;
    const latencies = tasks.flatMap((t) => t.attempt_durations_ms);
    const attempts = tasks.reduce((s, t) => s + t.attempts, 0);
    const mean_predicted = mean(tasks.map((t) => t.task.predicted_success_probability));
    const observed_rate = mean(tasks.map(outcomeOf));
    return {
      agent_id,
      tasks: tasks.length,
      succeeded,
      failed: tasks.length - succeeded,
      success_rate: tasks.length === 0 ? null : succeeded / tasks.length,
      attempts,
      retries: Math.max(0, attempts - tasks.length),
      mean_latency_ms: mean(latencies),
      p95_latency_ms: percentile(latencies, 0.95),
      busy_ms: busy.get(agent_id) ?? 0,
      mean_predicted,
      observed_rate,
      gap: mean_predicted === null || observed_rate === null ? null : observed_rate - mean_predicted,
      failed_flag: flagged.has(agent_id),
    };
  });
}

/** Highest (or lowest) success rate among agents that ran tasks; ties go to the earlier agent. */
function extreme(agents: readonly AgentPerformance[], better: (a: number, b: number) => boolean): string | null {
  let pick: AgentPerformance | undefined;
  for (const a of agents) {
    if (a.success_rate === null) continue;
    if (!pick || better(a.success_rate, pick.success_rate!)) pick = a;
  }
  return pick?.agent_id ?? null;
}

export function agentPerformanceContent(obs: WaveObservation): AgentPerformanceContent {
  const agents = agentPerformance(obs);
  return { agents, best_agent: extreme(agents, (a, b) => a > b), worst_agent: extreme(agents, (a, b) => a < b) };
}

export function agentRecommendations(content: AgentPerformanceContent): string[] {
  const out: string[] = [];
  for (const a of content.agents) {
    if (a.success_rate === null) continue;
    const predicted = a.mean_predicted === null ? "" : ` (predicted ${fixed(a.mean_predicted)})`;
    if (a.tasks >= MIN_TASKS && a.success_rate < LOW_SUCCESS) {
      out.push(`${a.agent_id} succeeded ${a.succeeded} of ${a.tasks} tasks${predicted}: investigate it and route fewer tasks to it`);
    } else if (a.gap !== null && a.tasks >= MIN_TASKS && Math.abs(a.gap) >= NOTABLE_GAP) {
      const way = a.gap > 0 ? "raise" : "lower";
      out.push(`${way} ${a.agent_id}'s expected success: observed ${pct(a.observed_rate!)} vs predicted ${pct(a.mean_predicted!)}`);
    }
    if (a.tasks > 0 && a.retries / a.tasks > HIGH_RETRY_RATE) {
      out.push(`${a.agent_id} needed ${a.retries} retries for ${a.tasks} tasks: check what makes its first attempts fail`);
    }
  }
  const { best_agent, worst_agent } = content;
  const best = content.agents.find((a) => a.agent_id === best_agent);
  const worst = content.agents.find((a) => a.agent_id === worst_agent);
  if (best && worst && best !== worst && best.success_rate! - worst.success_rate! >= NOTABLE_GAP) {
    out.push(`prefer ${best.agent_id} (${pct(best.success_rate!)}) over ${worst.agent_id} (${pct(worst.success_rate!)}) for urgent or hard tasks`);
  }
  if (out.length === 0 && best) out.push("agents performed as predicted; keep the current agent selection");
  return out;
}
