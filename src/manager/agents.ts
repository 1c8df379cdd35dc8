/**
 * Agents' observed behaviour, carried from wave to wave (SPEC 4.1): the strategies read it and
 * the monitor marks agents failed in it.
 */

export interface AgentState {
  agent_id: string;
  index: number;
  /** Finished tasks that succeeded / did not (failed or rejected), over all earlier waves. */
  succeeded: number;
  not_succeeded: number;
  attempts: number;
  /** Sum of attempt durations: the agent's busy time. */
  busy_ms: number;
  /** Marked failed by the monitor: gets no new tasks. */
  marked_failed: boolean;
}

export function createAgents(count: number): AgentState[] {
  return Array.from({ length: count }, (_, index) => ({
    agent_id: `agent_${index}`,
    index,
    succeeded: 0,
    not_succeeded: 0,
    attempts: 0,
    busy_ms: 0,
    marked_failed: false,
  }));
}

/**
 * Observed success rate with Laplace smoothing, (s + 1) / (n + 2): every agent starts equal at
 * 0.5, and ten successes rank above none at all, which a raw rate (1 = 1) would not do.
 */
export function observedSuccess(agent: AgentState): number {
  return (agent.succeeded + 1) / (agent.succeeded + agent.not_succeeded + 2);
}

/**
 * Agents that may take new tasks. When the monitor has marked every agent failed, all of them
 * stay eligible: a run that cannot place its tasks anywhere would never end.
 */
export function eligibleAgents(agents: readonly AgentState[]): AgentState[] {
  const healthy = agents.filter((a) => !a.marked_failed);
  return healthy.length > 0 ? healthy : [...agents];
}
