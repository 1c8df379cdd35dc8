/**
 * One wave (SPEC 4.1): assign the wave's unfinished tasks, record the assignments, and execute
 * them on their agents. Tasks that reached their final state before a crash count as they are.
 */
import type { RunOptions } from "../config";
import { runWave, type TaskContext, type TaskFinal } from "../executor";
import { planWave, type AgentState, type CoordinationPlan } from "../manager";
import type { RunRow, TaskRow } from "../store";
import type { Committer } from "./committer";
import { finalOfRow, isFinal } from "./finals";
import { taskFinalWrite, taskRecord } from "./task-record";

export interface WaveHooks {
  /** Print task records of tasks that were final already (resume --replay). */
  replay: boolean;
  /** Attempt durations of tasks that ended in an earlier process. */
  durations(task_id: string): number[];
  shouldStop(): boolean;
  onFinal(final: TaskFinal): void;
}

export interface WaveExecution {
  finals: TaskFinal[];
  plan: CoordinationPlan;
  steals: number;
  /** Agents marked failed when the wave was planned (they got no tasks). */
  failed: Set<string>;
  started_at: number;
  ended_at: number;
  /** Every task of the wave is final. */
  complete: boolean;
}

export async function executeWave(
  run: RunRow,
  wave: number,
  rows: readonly TaskRow[],
  agents: AgentState[],
  ctx: TaskContext,
  committer: Committer,
  hooks: WaveHooks,
): Promise<WaveExecution> {
  const options = run.options as RunOptions;
  const started_at = ctx.clock.now();
  const failed = new Set(agents.filter((a) => a.failed_flag).map((a) => a.agent_id));
  const finals = rows.filter(isFinal).map((r) => finalOfRow(r, hooks.durations(r.task.task_id)));
  if (hooks.replay) for (const f of finals) committer.echo(JSON.stringify(taskRecord(run.run_id, f)));
  const pending = rows.filter((r) => !isFinal(r));
  const { placements, plan } = planWave(wave, pending.map((r) => r.task), agents, options.strategy, options.concurrency);
  // Tasks that ended before a crash count for their agents as if this process had run them;
  // after planning, as in an uninterrupted run they would have ended after the assignment too.
  const byAgent = new Map(agents.map((a) => [a.agent_id, a]));
  for (const f of finals) countFinal(byAgent, f);
  const assign = (task_id: string, agent_id: string, reason: string, p: { predicted_success_probability: number; priority: number }) =>
    committer.record({
      kind: "assignment",
      row: { run_id: run.run_id, task_id, agent_id, wave, strategy: options.strategy, predicted_success_probability: p.predicted_success_probability, priority: p.priority, assigned_at: ctx.clock.now(), reason },
    });
  for (const p of placements) assign(p.task.task_id, p.agent.agent_id, p.reason, p.task);
  const attemptsSoFar = new Map(pending.map((r) => [r.task.task_id, r.attempts]));
  const { steals } = await runWave(placements, ctx, {
    agents: plan.agents,
    concurrency: options.concurrency,
    steal: options.strategy === "load_balanced",
    // An attempt that was in flight when the process died counts: the next one gets a new number.
    firstAttempt: (task) => (attemptsSoFar.get(task.task_id) ?? 0) + 1,
    shouldStop: hooks.shouldStop,
    onSteal: (task, from, to) => assign(task.task_id, to, `stolen from ${from} (idle)`, task),
    onFinal: (f) => {
      countFinal(byAgent, f);
      finals.push(f);
      committer.report(taskFinalWrite(run.run_id, f), JSON.stringify(taskRecord(run.run_id, f)));
      hooks.onFinal(f);
    },
  });
  return { finals, plan, steals, failed, started_at, ended_at: ctx.clock.now(), complete: finals.length === rows.length };
}

/** An agent's observed statistics, carried from wave to wave (SPEC 4.1). */
export function countFinal(agents: Map<string, AgentState>, f: TaskFinal): void {
  const agent = agents.get(f.agent_id);
  if (!agent) return; // a task placed on an agent the run no longer has (never in one run)
  agent[f.status === "succeeded" ? "succeeded" : "failed"]++;
  agent.attempts += f.attempts;
  agent.busy_ms += f.busy_ms;
}
