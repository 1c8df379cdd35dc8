/**
 * Assignment strategies (SPEC 4.2), values looked up by name. Each receives the wave's tasks
 * already ordered (priority, then input order) and the eligible agents, and places every task.
 */
import type { StrategyName } from "../config";
import type { Task } from "../core";
import { observedSuccess, type AgentState } from "./agents";

export interface Placement {
  task: Task;
  agent: AgentState;
  reason: string;
}

export type Strategy = (tasks: readonly Task[], agents: readonly AgentState[]) => Placement[];

/** No agent takes more than ⌈tasks/N⌉ + 1 under the capability-driven strategies. */
export const capFor = (tasks: number, agents: number) => Math.ceil(tasks / agents) + 1;

const roundRobin: Strategy = (tasks, agents) =>
  tasks.map((task, i) => ({ task, agent: agents[i % agents.length]!, reason: `round robin slot ${i % agents.length}` }));

const loadBalanced: Strategy = (tasks, agents) => {
  const load = agents.map(() => 0);
  return tasks.map((task) => {
    let best = 0;
    for (let i = 1; i < agents.length; i++) if (load[i]! < load[best]!) best = i;
    const before = load[best]!;
    load[best] = before + task.predicted_execution_time;
    return { task, agent: agents[best]!, reason: `least planned load (${round(before)}s)` };
  });
};

/**
 * Picks, for each task in turn, the highest-scoring agent still under the cap; ties go to the
 * agent with fewer tasks so far, then the lower index.
 */
function placeByScore(
  tasks: readonly Task[],
  agents: readonly AgentState[],
  score: (task: Task, agent: AgentState) => number,
  describe: (task: Task, agent: AgentState) => string,
): Placement[] {
  const cap = capFor(tasks.length, agents.length);
  const taken = new Map<AgentState, number>(agents.map((a) => [a, 0]));
  return tasks.map((task) => {
    let best: AgentState | undefined;
    for (const agent of agents) {
      if (taken.get(agent)! >= cap) continue;
      if (best === undefined) { best = agent; continue; }
      const diff = score(task, agent) - score(task, best);
      if (diff > 0 || (diff === 0 && taken.get(agent)! < taken.get(best)!)) best = agent;
    }
    // The cap always leaves room: N agents × (⌈T/N⌉ + 1) > T.
    taken.set(best!, taken.get(best!)! + 1);
    return { task, agent: best!, reason: describe(task, best!) };
  });
}

const priorityBased: Strategy = (tasks, agents) =>
  placeByScore(tasks, agents, (_t, a) => observedSuccess(a), (t, a) =>
    `priority ${t.priority} to agent with observed success ${round(observedSuccess(a))}`);

/** Difficulty: the task's probability, or its lowest per-agent prediction when it has them. */
function difficulty(task: Task): number {
  const per = Object.values(task.agent_predictions ?? {});
  return per.length > 0 ? Math.min(...per) : task.predicted_success_probability;
}

const confidenceBased: Strategy = (tasks, agents) => {
  const hardestFirst = [...tasks].sort((a, b) => difficulty(a) - difficulty(b) || a.priority - b.priority || a.seq - b.seq);
  const capability = (t: Task, a: AgentState) => t.agent_predictions?.[a.agent_id] ?? observedSuccess(a);
  return placeByScore(hardestFirst, agents, capability, (t, a) =>
    `difficulty ${round(difficulty(t))} to agent with capability ${round(capability(t, a))}`);
};

export const STRATEGIES: Record<StrategyName, Strategy> = {
  round_robin: roundRobin,
  load_balanced: loadBalanced,
  priority_based: priorityBased,
  confidence_based: confidenceBased,
};

const round = (x: number) => Math.round(x * 1000) / 1000;
