/**
 * A run's RunReport (src/report) read back from the store, so `buddy report`, `--out` and
 * `--junit` all describe exactly what was committed, whether the run just ended or ran last week.
 */
import type { Signal } from "../feedback";
import type { GateDecision } from "../manager";
import type { Anomaly } from "../monitor";
import { buildRunReport, type ReportAttempt, type ReportTask, type ReportWave, type RunReport } from "../report";
import type { AttemptRow, Store, TaskRow } from "../store";
import { attemptDurations, finalOfRow, isFinal } from "./finals";
import { observeWave } from "./observe";
import type { WaveRecord } from "./records";

const groupBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
};

function reportAttempt(a: AttemptRow): ReportAttempt {
  return { attempt: a.attempt, agent_id: a.agent_id, started_at: a.started_at, ended_at: a.ended_at, duration_ms: a.duration_ms, status: a.state, error: a.error, console: a.console };
}

function reportTask(row: TaskRow, attempts: AttemptRow[], gates: GateDecision[]): ReportTask {
  const { task } = row;
  return {
    task_id: task.task_id,
    wave: task.wave,
    agent_id: row.agent_id,
    status: row.state,
    predicted_success_probability: task.predicted_success_probability,
    priority: task.priority,
    risk_assessment: task.risk_assessment,
    predicted_execution_time: task.predicted_execution_time,
    simulated: task.code === undefined,
    attempts: attempts.map(reportAttempt),
    ...(row.result_json === null ? {} : { result: JSON.parse(row.result_json) }),
    error: row.error,
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_ms: row.duration_ms,
    gate_decisions: gates,
    meta: task.meta,
  };
}

export function loadRunReport(store: Store, run_id: string, now: number): RunReport {
  const run = store.getRun(run_id)!;
  const rows = store.tasks(run_id);
  const attempts = groupBy(store.attempts(run_id), (a) => a.task_id);
  const gates = groupBy(store.gateDecisions(run_id) as GateDecision[], (g) => g.task_id);
  const signals = groupBy(store.signals(run_id), (s) => String(s.wave));
  const durations = attemptDurations(store, run_id);
  const rowsByWave = groupBy(rows, (r) => String(r.task.wave));
  const waves: ReportWave[] = store.waveRecords(run_id).map((w) => {
    const record = w.record as unknown as WaveRecord;
    const finals = (rowsByWave.get(String(w.wave)) ?? []).filter(isFinal).map((r) => finalOfRow(r, durations.get(r.task.task_id)));
    const failed = new Set(record.failed_agents);
    const agentIds = Array.from({ length: Number((run.options as { agents: number }).agents) }, (_, i) => `agent_${i}`);
    return {
      wave: w.wave,
      observation: observeWave({
        run_id, wave: w.wave, strategy: record.strategy,
        agents: agentIds.map((agent_id) => ({ agent_id, failed: failed.has(agent_id) })),
        finals, plan: record.plan, steals: record.steals,
        started_at: Date.parse(record.started_at), ended_at: Date.parse(record.ended_at),
      }),
      plan: record.plan,
      assignments: store.assignments(run_id, w.wave),
      health: { wave: w.wave, metrics: record.metrics, health_score: record.health_score, health_status: record.health_status },
      anomalies: record.anomalies as Anomaly[],
      signals: (signals.get(String(w.wave)) ?? []).map((s) => s.document as unknown as Signal),
      calibration: record.calibration,
      confidence_trajectory: record.confidence_trajectory,
      failed_next_wave: record.failed_next_wave,
    };
  });
  return buildRunReport({
    generated_at: new Date(now).toISOString(),
    run: { run_id, status: run.status, input: run.input, seed: run.seed, options: run.options, created_at: run.created_at, started_at: run.started_at, ended_at: run.ended_at },
    waves,
    tasks: rows.map((r) => reportTask(r, attempts.get(r.task.task_id) ?? [], gates.get(r.task.task_id) ?? [])),
    violations: store.violations(run_id).map((v) => ({ ...v, timestamp: new Date(v.timestamp).toISOString() })),
  });
}
