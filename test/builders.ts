/**
 * Builders of WaveObservations and RunReports for the feedback, monitor and report tests. Each call returns
 * fresh objects, so no test shares state with another.
 */
import type { AgentObservation, TaskObservation, TaskStatus, WaveObservation } from "../src/core";
import { waveSignals } from "../src/feedback";
import { createAgents, planWave, type GateDecision } from "../src/manager";
import { Monitor } from "../src/monitor";
import { buildRunReport, reportWave, type ReportTask, type ReportWave, type RunReport } from "../src/report";

/** [agent index, status, p, busy ms of its one attempt (default 10)] */
export type TaskSpec = [agent: number, status: TaskStatus, p: number, busy?: number];

const clock = 1_700_000_000_000;

export function taskObs(wave: number, i: number, [agent, status, p, busy = 10]: TaskSpec, over: Partial<TaskObservation> = {}): TaskObservation {
  const started_at = clock + i * 100;
  return {
    task_id: `w${wave}-t${i}`,
    wave,
    agent_id: `agent_${agent}`,
    status,
    attempts: 1,
    predicted_success_probability: p,
    risk_assessment: p >= 0.85 ? "LOW" : p >= 0.7 ? "MEDIUM" : "HIGH",
    priority: 2,
    attempt_durations_ms: [busy],
    duration_ms: busy,
    started_at,
    ended_at: started_at + busy,
    error: status === "succeeded" ? null : { code: status === "rejected" ? "SAFETY_GATE_REJECTED" : "TASK_ERROR", message: "boom", retryable: false },
    simulated: false,
    ...over,
  };
}

/**
 * A wave of `agents` agents running `specs` (or ready-made task observations); busy time per
 * agent is the sum of its tasks' attempt durations. `failed` lists agents marked failed.
 */
export function wave(
  n: number,
  agents: number,
  specs: ReadonlyArray<TaskSpec | TaskObservation>,
  over: Partial<WaveObservation> & { failed?: number[] } = {},
): WaveObservation {
  const tasks = specs.map((s, i) => (Array.isArray(s) ? taskObs(n, i, s as TaskSpec) : (s as TaskObservation)));
  const agentObs: AgentObservation[] = Array.from({ length: agents }, (_, i) => ({
    agent_id: `agent_${i}`,
    busy_ms: tasks.filter((t) => t.agent_id === `agent_${i}`).reduce((s, t) => s + t.attempt_durations_ms.reduce((a, b) => a + b, 0), 0),
    failed: over.failed?.includes(i) ?? false,
  }));
  const { failed: _ignored, ...rest } = over;
  return {
    run_id: "run-1",
    wave: n,
    strategy: "round_robin",
    agents: agentObs,
    tasks,
    steals: 0,
    plan: { planned_load: {}, expected_makespan: 0, load_balance_score: 1, parallelization_factor: 1 },
    started_at: clock,
    ended_at: clock + 10_000,
    ...rest,
  };
}

function reportTask(t: TaskObservation, gates: GateDecision[] = []): ReportTask {
  return {
    task_id: t.task_id,
    wave: t.wave,
    agent_id: t.agent_id,
    status: t.status,
    predicted_success_probability: t.predicted_success_probability,
    priority: t.priority,
    risk_assessment: t.risk_assessment,
    predicted_execution_time: 1,
    simulated: t.simulated,
    attempts: t.attempt_durations_ms.map((d, k) => ({
      attempt: k + 1,
      agent_id: t.agent_id,
      started_at: t.started_at,
      ended_at: t.started_at + d,
      duration_ms: d,
      status: k === t.attempts - 1 && t.status === "succeeded" ? "succeeded" : "failed",
      error: k === t.attempts - 1 ? t.error : null,
    })),
    ...(t.status === "succeeded" ? { result: { ok: t.task_id } } : {}),
    error: t.error,
    started_at: t.started_at,
    ended_at: t.ended_at,
    duration_ms: t.duration_ms,
    gate_decisions: gates,
  };
}

/** A whole RunReport from observations, the way the harness assembles one. */
export function runReport(observations: readonly WaveObservation[], over: Partial<Omit<RunReport, "summary">> = {}): RunReport {
  const monitor = new Monitor();
  const waves: ReportWave[] = observations.map((observation) => {
    const agents = createAgents(observation.agents.length);
    return reportWave({
      observation,
      plan: planWave(observation.wave, [], agents, "round_robin", 1).plan,
      assignments: observation.tasks.map((t) => ({
        task_id: t.task_id, agent_id: t.agent_id, wave: t.wave, strategy: "round_robin",
        predicted_success_probability: t.predicted_success_probability, priority: t.priority, assigned_at: observation.started_at, reason: "test",
      })),
      verdict: monitor.observe(observation),
      signals: waveSignals(observation, { generated_at: "2026-01-01T00:00:00.000Z" }),
    });
  });
  return buildRunReport({
    generated_at: "2026-01-01T00:00:00.000Z",
    run: { run_id: "run-1", status: "failed", input: "tasks.jsonl", seed: 7, options: { strategy: "round_robin", agents: 4 }, created_at: clock, started_at: clock, ended_at: clock + 60_000 },
    waves,
    tasks: observations.flatMap((o) => o.tasks.map((t) => reportTask(t))),
    violations: [],
    ...over,
  });
}

export { reportTask };
