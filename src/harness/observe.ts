/**
 * The WaveObservation of a finished wave (src/core/observation.ts), built the same way whether
 * its tasks ended in this process or are read back from the store (resume, `buddy report`), so
 * the feedback loop and the monitor see the same wave either way.
 */
import { busyMs, extent, type CoordinationPlan, type FinishedTask, type StrategyName, type WaveObservation } from "../core";
import type { WaveRecord } from "../records";

/** What a wave's observation is made of in both cases: the wave, its agents, its finished tasks. */
interface WaveBasics {
  run_id: string;
  wave: number;
  strategy: StrategyName;
  /** Every agent of the run, and whether it was marked failed when the wave was planned. */
  agents: { agent_id: string; failed: boolean }[];
  finished: readonly FinishedTask[];
}

export interface WaveFacts extends WaveBasics {
  plan: CoordinationPlan;
  steals: number;
  started_at: number;
  ended_at: number;
}

/** The basics with each agent's busy time, summed from `spent` (agent, ms) pairs; 0 for an agent that ran nothing. */
function observed(facts: WaveBasics, spent: Iterable<readonly [string, number]>): Pick<WaveObservation, "run_id" | "wave" | "strategy" | "agents" | "tasks"> {
  const busy = new Map<string, number>();
  for (const [agent_id, ms] of spent) busy.set(agent_id, (busy.get(agent_id) ?? 0) + ms);
  return {
    run_id: facts.run_id,
    wave: facts.wave,
    strategy: facts.strategy,
    agents: facts.agents.map((a) => ({ agent_id: a.agent_id, failed: a.failed, busy_ms: busy.get(a.agent_id) ?? 0 })),
    tasks: [...facts.finished],
  };
}

export function observeWave(facts: WaveFacts): WaveObservation {
  return {
    ...observed(facts, facts.finished.map((f) => [f.agent_id, busyMs(f)] as const)),
    steals: facts.steals,
    plan: facts.plan,
    started_at: facts.started_at,
    ended_at: facts.ended_at,
  };
}

/** A wave that finished earlier, from its stored record and its finished tasks. */
export function storedObservation(record: WaveRecord, finished: readonly FinishedTask[], agentIds: readonly string[]): WaveObservation {
  const failed = new Set(record.failed_agents);
  return observeWave({
    run_id: record.run_id,
    wave: record.wave,
    strategy: record.strategy,
    agents: agentIds.map((agent_id) => ({ agent_id, failed: failed.has(agent_id) })),
    finished,
    plan: record.plan,
    steals: record.steals,
    // The record's times are whole ms printed as ISO 8601, so they read back exactly.
    started_at: Date.parse(record.started_at),
    ended_at: Date.parse(record.ended_at),
  });
}

/** What one attempt of a wave tells about it: which agent spent how long, and when. */
interface AttemptSpan {
  agent_id: string;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
}

export interface CutOffFacts extends WaveBasics {
  /** Every attempt of the wave's tasks, those of tasks left unfinished too. */
  attempts: readonly AttemptSpan[];
}

/**
 * A wave the run stopped in, which has no record to read back: what ran of it. Busy time counts
 * every attempt that ended, so an agent whose task was cut short still shows the time it spent;
 * the span runs from the first start to the last end among its attempts and finished tasks.
 */
export function cutOffObservation(facts: CutOffFacts): Omit<WaveObservation, "plan" | "steals"> {
  const [started_at] = extent([...facts.attempts.map((a) => a.started_at), ...facts.finished.map((f) => f.started_at)]);
  const [, ended_at] = extent([...facts.attempts.map((a) => a.ended_at ?? a.started_at), ...facts.finished.map((f) => f.ended_at)]);
  return { ...observed(facts, facts.attempts.map((a) => [a.agent_id, a.duration_ms ?? 0] as const)), started_at, ended_at };
}
