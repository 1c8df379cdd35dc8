/**
 * detectAnomalies (SPEC 8): the four anomaly types of one finished wave, given what the monitor
 * remembers of earlier waves. Pure: returns the new history instead of changing the old one.
 */
import type { FinishedTask, WaveObservation } from "../core";
import { predictionPairs, ranTasks, waveLoad, type WaveLoad } from "../feedback";
import { type AgentRecord, type MonitorHistory, trimRecent } from "./history";
import { type Anomaly, type AnomalyThresholds, type AnomalyType, DEFAULT_THRESHOLDS, SEVERITY } from "./types";

export interface AnomalyResult {
  anomalies: Anomaly[];
  /** Agents to mark failed for the next wave; every other agent is available in it. */
  failed_next_wave: string[];
  history: MonitorHistory;
}

const f2 = (x: number) => x.toFixed(2);
const byEnd = (a: FinishedTask, b: FinishedTask) =>
  a.ended_at - b.ended_at || a.started_at - b.started_at || (a.task.task_id < b.task.task_id ? -1 : a.task.task_id > b.task.task_id ? 1 : 0);

type Draft = Omit<Anomaly, "anomaly_id" | "wave" | "anomaly_type" | "severity">;

export function detectAnomalies(
  obs: WaveObservation,
  history: MonitorHistory,
  thresholds: Readonly<AnomalyThresholds> = DEFAULT_THRESHOLDS,
): AnomalyResult {
  const anomaly = (type: AnomalyType, draft: Draft, suffix = ""): Anomaly => ({
    anomaly_id: `${obs.run_id}-w${obs.wave}-${type}${suffix}`,
    wave: obs.wave,
    anomaly_type: type,
    severity: SEVERITY[type],
    ...draft,
  });
  const agents = agentFailures(obs, history.agents, thresholds);
  const anomalies = agents.found.map(({ agent_id, draft }) => anomaly("agent_failure", draft, `-${agent_id}`));
  const load = waveLoad(obs);
  const coordination = coordinationIssue(obs, load, thresholds);
  if (coordination) anomalies.push(anomaly("coordination_issue", coordination));
  const recent = [...history.recent, { wave: obs.wave, pairs: predictionPairs(obs.tasks) }];
  const drift = predictionDrift(obs, recent, thresholds);
  if (drift) anomalies.push(anomaly("prediction_drift", drift));
  const imbalance = loadImbalance(obs, load, thresholds);
  if (imbalance) anomalies.push(anomaly("load_imbalance", imbalance));
  return {
    anomalies,
    failed_next_wave: agents.found.map((a) => a.agent_id),
    history: { ...history, agents: agents.records, recent: trimRecent(recent, thresholds.drift_min_tasks) },
  };
}

function agentFailures(obs: WaveObservation, before: Record<string, AgentRecord>, t: Readonly<AnomalyThresholds>) {
  const records: Record<string, AgentRecord> = {};
  for (const [id, r] of Object.entries(before)) records[id] = { ...r };
  const ran = ranTasks(obs.tasks).sort(byEnd);
  const ids = [...new Set([...obs.agents.map((a) => a.agent_id), ...ran.map((x) => x.agent_id)])];
  const found: Array<{ agent_id: string; draft: Draft }> = [];
  for (const agent_id of ids) {
    const mine = ran.filter((x) => x.agent_id === agent_id);
    const r = (records[agent_id] ??= { tasks: 0, succeeded: 0, streak: 0 });
    // The longest run of failures reached in this wave: five failures then one success is still
    // five in a row, even though the streak carried forward is back to zero.
    let peak = 0;
    for (const x of mine) {
      const ok = x.status === "succeeded";
      r.tasks += 1;
      r.succeeded += ok ? 1 : 0;
      r.streak = ok ? 0 : r.streak + 1;
      peak = Math.max(peak, r.streak);
    }
    if (mine.length === 0) continue; // judged only on new evidence
    const rate = r.succeeded / r.tasks;
    const lowRate = r.tasks >= t.agent_min_tasks && rate < t.agent_min_success;
    const streak = peak >= t.agent_failure_streak;
    if (!lowRate && !streak) continue;
    const why = streak
      ? `${agent_id} failed ${peak} tasks in a row (limit ${t.agent_failure_streak})`
      : `${agent_id} succeeded ${r.succeeded} of ${r.tasks} tasks (${f2(rate)} < ${t.agent_min_success})`;
    found.push({
      agent_id,
      draft: {
        description: why,
        affected_agents: [agent_id],
        affected_tasks: mine.filter((x) => x.status !== "succeeded").map((x) => x.task.task_id),
        recommendation: `${agent_id} is marked failed and gets no tasks in wave ${obs.wave + 1}; look at what its failed tasks have in common`,
        value: streak ? peak : rate,
        threshold: streak ? t.agent_failure_streak : t.agent_min_success,
      },
    });
    records[agent_id] = { tasks: 0, succeeded: 0, streak: 0 }; // quarantine, then a clean record
  }
  return { found, records };
}

const tasksOn = (obs: WaveObservation, agents: readonly string[]) =>
  obs.tasks.filter((x) => agents.includes(x.agent_id)).map((x) => x.task.task_id);

function coordinationIssue(obs: WaveObservation, load: WaveLoad, t: Readonly<AnomalyThresholds>): Draft | undefined {
  if (!(load.makespan_ratio > t.makespan_ratio)) return undefined;
  const busiest = obs.agents.filter((a) => a.busy_ms === load.makespan_ms && !a.failed).map((a) => a.agent_id);
  return {
    description: `wave makespan ${Math.round(load.makespan_ms)} ms is ${f2(load.makespan_ratio)}× the ideal ${Math.round(load.ideal_makespan_ms)} ms (total busy / ${load.lanes} agents)`,
    affected_agents: busiest,
    affected_tasks: tasksOn(obs, busiest),
    recommendation:
      obs.strategy === "load_balanced"
        ? "predicted_execution_time misjudges these tasks: correct the estimates so the plan spreads them"
        : "use --strategy load_balanced, which plans by predicted time and lets idle agents steal work",
    value: load.makespan_ratio,
    threshold: t.makespan_ratio,
  };
}

function predictionDrift(obs: WaveObservation, recent: MonitorHistory["recent"], t: Readonly<AnomalyThresholds>): Draft | undefined {
  const window = trimRecent(recent, t.drift_min_tasks);
  const pairs = window.flatMap((w) => w.pairs);
  if (pairs.length < t.drift_min_tasks) return undefined;
  const error = pairs.reduce((s, x) => s + Math.abs(x.p - x.outcome), 0) / pairs.length;
  if (!(error > t.drift_mean_error)) return undefined;
  const bias = pairs.reduce((s, x) => s + x.p - x.outcome, 0) / pairs.length;
  // What perfectly calibrated predictions of these values would score, E|p − y| = 2p(1 − p):
  // mid-range predictions miss by much even when right on average, and the reader should know.
  const calibrated = pairs.reduce((s, x) => s + 2 * x.p * (1 - x.p), 0) / pairs.length;
  const first = window[0]!.wave;
  const span = first === obs.wave ? `wave ${obs.wave}` : `waves ${first}–${obs.wave}`;
  return {
    description:
      `mean |p − outcome| ${f2(error)} over ${pairs.length} tasks (${span}) > ${t.drift_mean_error}; ` +
      `predictions run ${f2(Math.abs(bias))} ${bias > 0 ? "high" : "low"} (calibrated predictions of these values would score ${f2(calibrated)})`,
    affected_agents: [],
    affected_tasks: ranTasks(obs.tasks)
      .filter((x) => Math.abs(x.task.predicted_success_probability - (x.status === "succeeded" ? 1 : 0)) > t.drift_mean_error)
      .map((x) => x.task.task_id),
    recommendation: `retrain or recalibrate the Phase 20 predictor (buddy calibrate ${obs.run_id} --apply FILE)`,
    value: error,
    threshold: t.drift_mean_error,
  };
}

function loadImbalance(obs: WaveObservation, load: WaveLoad, t: Readonly<AnomalyThresholds>): Draft | undefined {
  if (!(load.imbalance_ratio > t.imbalance_ratio)) return undefined;
  const max = load.lane_busy_ms[0]!;
  const min = load.lane_busy_ms[load.lane_busy_ms.length - 1]!;
  const lanes = obs.agents.filter((a) => load.available.includes(a.agent_id));
  const heavy = lanes.filter((a) => a.busy_ms === max).map((a) => a.agent_id);
  const light = lanes.filter((a) => a.busy_ms === min).map((a) => a.agent_id);
  const ratio = Number.isFinite(load.imbalance_ratio) ? `${f2(load.imbalance_ratio)}×` : "unbounded (an agent stayed idle)";
  return {
    description: `busiest agent ${Math.round(max)} ms vs least busy ${Math.round(min)} ms: ratio ${ratio} > ${t.imbalance_ratio}`,
    affected_agents: [...heavy, ...light],
    affected_tasks: tasksOn(obs, heavy),
    recommendation: "rebalance through the scheduler: spread long tasks, or use load_balanced with work stealing",
    value: Number.isFinite(load.imbalance_ratio) ? load.imbalance_ratio : null,
    threshold: t.imbalance_ratio,
  };
}
