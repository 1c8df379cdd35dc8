/**
 * The JSON report (`buddy schema report`): the RunReport itself plus the figures the Markdown
 * derives from it. A wave's observed tasks are listed by their fields, not as the whole task
 * (code and input are in the input file; results under `tasks`).
 */
import { durationMs, forPeople, type FinishedTask, type WaveObservation } from "../core";
import { errorRecord } from "../records";
import { runAgents } from "./agents";
import { gateCounts } from "./gates";
import { runRecommendations } from "./recommendations";
import type { RunReport } from "./types";
import { waveViews } from "./waves";

function observedTask(f: FinishedTask) {
  const { task } = f;
  return {
    task_id: task.task_id,
    wave: task.wave,
    agent_id: f.agent_id,
    status: f.status,
    attempts: f.attempts,
    predicted_success_probability: task.predicted_success_probability,
    risk_assessment: task.risk_assessment,
    priority: task.priority,
    ...(task.agent_predictions ? { agent_predictions: task.agent_predictions } : {}),
    attempt_durations_ms: f.attempt_durations_ms.map(Math.round),
    duration_ms: durationMs(f),
    started_at: f.started_at,
    ended_at: f.ended_at,
    error: f.error === null ? null : errorRecord(f.error),
    simulated: task.code === undefined,
  };
}

/** An observation as printed: busy times in whole ms, tasks by their fields. */
function printed<T extends Omit<WaveObservation, "plan" | "steals">>(o: T) {
  return { ...o, agents: o.agents.map((a) => ({ ...a, busy_ms: Math.round(a.busy_ms) })), tasks: o.tasks.map(observedTask) };
}

/** One line, like every other record on stdout (SPEC 3); `| jq .` pretty-prints it. */
export function jsonReport(r: RunReport): string {
  const waves = r.waves.map((w) => ({ ...w, observation: printed(w.observation) }));
  // A cut-off wave's figures are over the tasks of it that finished, its pending ones not run.
  const cut_off_waves = waveViews(r).filter((v) => v.concluded === undefined)
    .map(({ wave, totals, success_rate, calibration, observation }) => ({ wave, totals, success_rate, calibration, observation: printed(observation) }));
  const report = forPeople({ type: "report", ...r, waves, cut_off_waves, agents: runAgents(r), gate_counts: gateCounts(r), recommendations: runRecommendations(r) });
  return `${JSON.stringify(report)}\n`;
}
