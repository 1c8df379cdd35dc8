/**
 * A run's RunReport (src/report) read back from the store, so `buddy report`, `--out` and
 * `--junit` all describe exactly what was committed, whether the run just ended or ran last week.
 */
import { durationMs, groupBy, isFinished, iso, type GateDecision, type StrategyName } from "../core";
import { withEveryPrediction } from "../feedback";
import { createAgents } from "../manager";
import { buildRunReport, type CutOffWave, type ReportAttempt, type ReportTask, type ReportWave, type RunReport } from "../report";
import { errorRecord } from "../records";
import type { WaveRecord } from "../records";
import type { AttemptRow, Store, StoredTask } from "../store";
import { cutOffObservation, storedObservation } from "./observe";

function reportAttempt(a: AttemptRow): ReportAttempt {
  return {
    attempt: a.attempt,
    agent_id: a.agent_id,
    started_at: a.started_at,
    ended_at: a.ended_at,
    duration_ms: a.duration_ms === null ? null : Math.round(a.duration_ms),
    status: a.status,
    error: a.error === null ? null : errorRecord(a.error),
    console: a.console,
  };
}

function reportTask(t: StoredTask, attempts: AttemptRow[], gates: GateDecision[]): ReportTask {
  const { task } = t;
  const finished = isFinished(t) ? t : undefined;
  return {
    task_id: task.task_id,
    wave: task.wave,
    agent_id: t.agent_id,
    status: t.status,
    predicted_success_probability: task.predicted_success_probability,
    priority: task.priority,
    risk_assessment: task.risk_assessment,
    predicted_execution_time: task.predicted_execution_time,
    simulated: task.code === undefined,
    attempts: attempts.map(reportAttempt),
    ...(finished?.result_json == null ? {} : { result: JSON.parse(finished.result_json) }),
    error: finished?.error ? errorRecord(finished.error) : null,
    started_at: finished?.started_at ?? null,
    ended_at: finished?.ended_at ?? null,
    duration_ms: finished ? durationMs(finished) : null,
    gate_decisions: gates,
    meta: task.meta,
  };
}

/** What the store holds of a run, as the cut-off waves are read from it. */
interface StoredRun {
  run_id: string;
  strategy: StrategyName;
  stored: readonly StoredTask[];
  attempts: ReadonlyMap<string, AttemptRow[]>;
  /** The concluded waves' records, ascending. */
  records: readonly WaveRecord[];
  agentIds: readonly string[];
}

/**
 * The waves the run stopped in: a wave without a record of which a task finished or an attempt
 * started. Its agents are marked failed as the last wave concluded before it left them.
 */
function cutOffWaves(run: StoredRun): CutOffWave[] {
  const { run_id, strategy, stored, attempts, records, agentIds } = run;
  const concluded = new Set(records.map((r) => r.wave));
  const out: CutOffWave[] = [];
  for (const [wave, tasks] of [...groupBy(stored, (t) => t.task.wave)].sort(([a], [b]) => a - b)) {
    if (concluded.has(wave)) continue;
    const finished = tasks.filter(isFinished);
    const spans = tasks.flatMap((t) => attempts.get(t.task.task_id) ?? []);
    if (finished.length === 0 && spans.length === 0) continue;
    const before = records.filter((r) => r.wave < wave).at(-1);
    const failed = new Set(before?.failed_next_wave ?? []);
    const agents = agentIds.map((agent_id) => ({ agent_id, failed: failed.has(agent_id) }));
    out.push({ wave, observation: cutOffObservation({ run_id, wave, strategy, agents, finished, attempts: spans }) });
  }
  return out;
}

export async function loadRunReport(store: Store, run_id: string, now: number): Promise<RunReport> {
  const run = (await store.getRun(run_id))!;
  const stored = await store.tasks(run_id);
  const attempts = groupBy(await store.attempts(run_id), (a) => a.task_id);
  const gates = groupBy(await store.gateDecisions(run_id), (g) => g.task_id);
  const signals = groupBy(await store.signals(run_id), (s) => s.wave);
  const assignments = groupBy(await store.assignments(run_id), (a) => a.wave);
  const violations = await store.violations(run_id);
  const finishedByWave = groupBy(stored.filter(isFinished), (t) => t.task.wave);
  const agentIds = createAgents(run.options.agents).map((a) => a.agent_id);
  const records = await store.waveRecords(run_id);
  const waves: ReportWave[] = records.map(({ wave, record }) => {
    const observation = storedObservation(record, finishedByWave.get(wave) ?? [], agentIds);
    return {
      wave,
      observation,
      plan: record.plan,
      assignments: assignments.get(wave) ?? [],
      health: { wave, metrics: record.metrics, health_score: record.health_score, health_status: record.health_status },
      anomalies: record.anomalies,
      signals: (signals.get(wave) ?? []).map((s) => withEveryPrediction(s.document, observation)),
      calibration: record.calibration,
      confidence_trajectory: record.confidence_trajectory,
      failed_next_wave: record.failed_next_wave,
    };
  });
  return buildRunReport({
    generated_at: iso(now),
    run: { run_id, status: run.status, input: run.input, seed: run.seed, options: run.options, created_at: run.created_at, started_at: run.started_at, ended_at: run.ended_at },
    waves,
    cut_off_waves: cutOffWaves({ run_id, strategy: run.options.strategy, stored, attempts, records: records.map((r) => r.record), agentIds }),
    tasks: stored.map((t) => reportTask(t, attempts.get(t.task.task_id) ?? [], gates.get(t.task.task_id) ?? [])),
    violations: violations.map((v) => ({ ...v, timestamp: iso(v.timestamp) })),
  });
}
