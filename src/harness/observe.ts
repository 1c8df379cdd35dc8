/**
 * The WaveObservation of a finished wave (src/core/observation.ts), built the same way whether
 * its tasks ended in this process or are read back from the store (resume, `buddy report`), so
 * the feedback loop and the monitor see the same wave either way.
 */
import type { WaveObservation } from "../core";
import type { TaskFinal } from "../executor";
import type { CoordinationPlan } from "../manager";

export interface WaveFacts {
  run_id: string;
  wave: number;
  strategy: string;
  /** Every agent of the run, and whether it was marked failed when the wave was planned. */
  agents: { agent_id: string; failed: boolean }[];
  finals: readonly TaskFinal[];
  plan: CoordinationPlan;
  steals: number;
  started_at: number;
  ended_at: number;
}

export function observeWave(facts: WaveFacts): WaveObservation {
  const busy = new Map<string, number>();
  for (const f of facts.finals) busy.set(f.agent_id, (busy.get(f.agent_id) ?? 0) + f.busy_ms);
  return {
    run_id: facts.run_id,
    wave: facts.wave,
    strategy: facts.strategy,
    agents: facts.agents.map((a) => ({ agent_id: a.agent_id, failed: a.failed, busy_ms: busy.get(a.agent_id) ?? 0 })),
    tasks: facts.finals.map((f) => ({
      task_id: f.task.task_id,
      wave: f.task.wave,
      agent_id: f.agent_id,
      status: f.status,
      attempts: f.attempts,
      predicted_success_probability: f.task.predicted_success_probability,
      risk_assessment: f.task.risk_assessment,
      priority: f.task.priority,
      ...(f.task.agent_predictions ? { agent_predictions: f.task.agent_predictions } : {}),
      attempt_durations_ms: f.attempt_durations_ms,
      duration_ms: f.ended_at - f.started_at,
      started_at: f.started_at,
      ended_at: f.ended_at,
      error: f.error,
      simulated: f.task.code === undefined,
    })),
    steals: facts.steals,
    plan: facts.plan,
    started_at: facts.started_at,
    ended_at: facts.ended_at,
  };
}
