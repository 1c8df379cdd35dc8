/**
 * One wave (SPEC 4.1): assign the wave's unfinished tasks, record the assignments, and execute
 * them on their agents. Tasks that reached their final state before a crash count as they are.
 */
import type { RunOptions } from "../config";
import { busyMs, isFinished, type CoordinationPlan, type FinishedTask } from "../core";
import { runWave, type TaskContext } from "../executor";
import { planWave, type AgentState } from "../manager";
import { taskRecord } from "../records";
import type { StoredTask } from "../store";
import type { Committer } from "./committer";

export interface WaveHooks {
  /** Print the task records of tasks that were finished already (resume --replay). */
  replay: boolean;
  shouldStop(): boolean;
  onFinished(finished: FinishedTask): void;
}

export interface WaveExecution {
  finished: FinishedTask[];
  plan: CoordinationPlan;
  steals: number;
  /** Agents marked failed when the wave was planned: they sat it out. */
  satOut: Set<string>;
  started_at: number;
  ended_at: number;
  /** Every task of the wave is finished. */
  complete: boolean;
}

export async function executeWave(
  run_id: string,
  options: RunOptions,
  wave: number,
  stored: readonly StoredTask[],
  agents: AgentState[],
  ctx: TaskContext,
  committer: Committer,
  hooks: WaveHooks,
): Promise<WaveExecution> {
  const started_at = ctx.clock.now();
  const satOut = new Set(agents.filter((a) => a.marked_failed).map((a) => a.agent_id));
  const finished = stored.filter(isFinished);
  if (hooks.replay) for (const f of finished) committer.echo(taskRecord(run_id, f));
  const pending = stored.filter((t) => !isFinished(t));
  const { placements, plan } = planWave(wave, pending.map((t) => t.task), agents, options.strategy, options.concurrency);
  // Tasks that ended before a crash count for their agents as if this process had run them;
  // after planning, as in an uninterrupted run they would have ended after the assignment too.
  const byAgent = new Map(agents.map((a) => [a.agent_id, a]));
  for (const f of finished) countFinished(byAgent, f);
  const assign = (task_id: string, agent_id: string, reason: string, p: { predicted_success_probability: number; priority: number }) =>
    committer.record({
      kind: "assignment",
      row: { run_id, task_id, agent_id, wave, strategy: options.strategy, predicted_success_probability: p.predicted_success_probability, priority: p.priority, assigned_at: ctx.clock.now(), reason },
    });
  for (const p of placements) {
    assign(p.task.task_id, p.agent.agent_id, p.reason, p.task);
    // A wave of a hundred thousand tasks is as many writes at once: they go out as the store takes them.
    const behind = committer.pace();
    if (behind) await behind;
  }
  const attemptsSoFar = new Map(pending.map((t) => [t.task.task_id, t.attempts]));
  const { steals } = await runWave(placements, ctx, {
    agents: plan.agents,
    concurrency: options.concurrency,
    steal: options.strategy === "load_balanced",
    // An attempt that was in flight when the process died counts: the next one gets a new number.
    firstAttempt: (task) => (attemptsSoFar.get(task.task_id) ?? 0) + 1,
    shouldStop: hooks.shouldStop,
    onSteal: (task, from, to) => assign(task.task_id, to, `stolen from ${from} (idle)`, task),
    onFinished: (f) => {
      countFinished(byAgent, f);
      finished.push(f);
      committer.report({ kind: "task_finished", run_id, finished: f }, taskRecord(run_id, f));
      hooks.onFinished(f);
    },
  });
  return { finished, plan, steals, satOut, started_at, ended_at: ctx.clock.now(), complete: finished.length === stored.length };
}

/** An agent's observed statistics, carried from wave to wave (SPEC 4.1). */
export function countFinished(agents: Map<string, AgentState>, f: FinishedTask): void {
  const agent = agents.get(f.agent_id);
  if (!agent) return; // a task placed on an agent the run no longer has (never in one run)
  agent[f.status === "succeeded" ? "succeeded" : "not_succeeded"]++;
  agent.attempts += f.attempts;
  agent.busy_ms += busyMs(f);
}
