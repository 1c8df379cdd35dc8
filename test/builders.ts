/**
 * Builders of WaveObservations and RunReports for the feedback, monitor and report tests. Each call returns
 * fresh objects, so no test shares state with another.
 */
import { parseRunOptions } from "../src/config";
import type { AgentObservation, FinishedTask, GateDecision, Task, TaskStatus, WaveObservation } from "../src/core";
import { calibrationMetrics, predictionPairs, waveSignals } from "../src/feedback";
import { createAgents, planWave } from "../src/manager";
import { Monitor } from "../src/monitor";
import { errorRecord } from "../src/records";
import { buildRunReport, type ReportTask, type ReportWave, type RunReport } from "../src/report";

/** [agent index, status, p, busy ms of its one attempt (default 10)] */
export type TaskSpec = [agent: number, status: TaskStatus, p: number, busy?: number];

/** Overrides of a built FinishedTask: its outcome's fields, and its task's under `task`. */
type TaskOverrides = Partial<Omit<FinishedTask, "task">> & { task?: Partial<Task> };

const clock = 1_700_000_000_000;

export function taskObs(wave: number, i: number, [agent, status, p, busy = 10]: TaskSpec, over: TaskOverrides = {}): FinishedTask {
  const started_at = clock + i * 100;
  const { task, ...outcome } = over;
  return {
    task: {
      task_id: `w${wave}-t${i}`,
      seq: i,
      wave,
      priority: 2,
      predicted_success_probability: p,
      predicted_execution_time: 1,
      risk_assessment: p >= 0.85 ? "LOW" : p >= 0.7 ? "MEDIUM" : "HIGH",
      code: "return 1",
      uses: [],
      meta: {},
      ...task,
    },
    agent_id: `agent_${agent}`,
    status,
    attempts: 1,
    result_json: status === "succeeded" ? JSON.stringify({ ok: `w${wave}-t${i}` }) : null,
    error: status === "succeeded" ? null : { code: status === "rejected" ? "SAFETY_GATE_REJECTED" : "TASK_ERROR", message: "boom", retryable: false },
    started_at,
    ended_at: started_at + busy,
    attempt_durations_ms: [busy],
    ...outcome,
  };
}

/**
 * A wave of `agents` agents running `specs` (or ready-made task observations); busy time per
 * agent is the sum of its tasks' attempt durations. `failed` lists agents marked failed.
 */
export function wave(
  n: number,
  agents: number,
  specs: ReadonlyArray<TaskSpec | FinishedTask>,
  over: Partial<WaveObservation> & { failed?: number[] } = {},
): WaveObservation {
  const tasks = specs.map((s, i) => (Array.isArray(s) ? taskObs(n, i, s as TaskSpec) : (s as FinishedTask)));
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
    plan: { wave: n, strategy: "round_robin", agents: agentObs.map((a) => a.agent_id), tasks: tasks.length, planned_load: {}, expected_makespan: 0, load_balance_score: 1, parallelization_factor: 1 },
    started_at: clock,
    ended_at: clock + 10_000,
    ...rest,
  };
}

function reportTask(f: FinishedTask, gates: GateDecision[] = []): ReportTask {
  const { task } = f;
  const error = f.error === null ? null : errorRecord(f.error);
  return {
    task_id: task.task_id,
    wave: task.wave,
    agent_id: f.agent_id,
    status: f.status,
    predicted_success_probability: task.predicted_success_probability,
    priority: task.priority,
    risk_assessment: task.risk_assessment,
    predicted_execution_time: task.predicted_execution_time,
    simulated: task.code === undefined,
    attempts: f.attempt_durations_ms.map((d, k) => ({
      attempt: k + 1,
      agent_id: f.agent_id,
      started_at: f.started_at,
      ended_at: f.started_at + d,
      duration_ms: d,
      status: k === f.attempts - 1 && f.status === "succeeded" ? "succeeded" : "failed",
      error: k === f.attempts - 1 ? error : null,
      console: [],
    })),
    ...(f.result_json === null ? {} : { result: JSON.parse(f.result_json) }),
    error,
    started_at: f.started_at,
    ended_at: f.ended_at,
    duration_ms: f.ended_at - f.started_at,
    gate_decisions: gates,
    meta: task.meta,
  };
}

/** A whole RunReport from observations, with each wave as loadRunReport reads it back from a store. */
export function runReport(observations: readonly WaveObservation[], over: Partial<Omit<RunReport, "summary">> = {}): RunReport {
  const monitor = new Monitor();
  const waves: ReportWave[] = observations.map((observation) => {
    const agents = createAgents(observation.agents.length);
    const verdict = monitor.observe(observation);
    return {
      wave: observation.wave,
      observation,
      plan: planWave(observation.wave, [], agents, "round_robin", 1).plan,
      assignments: observation.tasks.map((t) => ({
        task_id: t.task.task_id, agent_id: t.agent_id, wave: t.task.wave, strategy: "round_robin",
        predicted_success_probability: t.task.predicted_success_probability, priority: t.task.priority, assigned_at: observation.started_at, reason: "test",
      })),
      health: verdict.health,
      anomalies: verdict.anomalies,
      signals: waveSignals(observation, { generated_at: "2026-01-01T00:00:00.000Z" }),
      calibration: calibrationMetrics(predictionPairs(observation.tasks)),
      confidence_trajectory: verdict.confidence_trajectory,
      failed_next_wave: verdict.failed_next_wave,
    };
  });
  return buildRunReport({
    generated_at: "2026-01-01T00:00:00.000Z",
    run: { run_id: "run-1", status: "failed", input: "tasks.jsonl", seed: 7, options: parseRunOptions({ strategy: "round_robin", agents: 4, threads: 1 }), created_at: clock, started_at: clock, ended_at: clock + 60_000 },
    waves,
    cut_off_waves: [],
    tasks: observations.flatMap((o) => o.tasks.map((t) => reportTask(t))),
    violations: [],
    ...over,
  });
}

export { reportTask };
