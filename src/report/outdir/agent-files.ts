/**
 * `wave_<w>/agent_<i>/` files (SPEC 9.2), in the record shapes the original documented
 * (reference/original.md 2.2, 2.4, 2.5), with buddy's figures filled in. Every agent of the
 * run gets its directory each wave, with empty files when it had nothing, as the original did.
 */
import { durationMs, type FinishedTask } from "../../core";
import type { AgentPerformance } from "../../feedback";
import { isoOrDash, jsonl } from "../format";
import type { ReportWave } from "../types";
import type { OutFile } from "./types";

function executedTask(f: FinishedTask) {
  const t = f.task;
  return {
    task_id: t.task_id,
    agent_id: f.agent_id,
    wave: t.wave,
    status: f.status,
    start_time: isoOrDash(f.started_at),
    end_time: isoOrDash(f.ended_at),
    duration_seconds: durationMs(f) / 1000,
    attempts: f.attempts,
    retry_count: Math.max(0, f.attempts - 1),
    success: f.status === "succeeded",
    actual_success: f.status === "succeeded" ? 1.0 : 0.0,
    predicted_success_probability: t.predicted_success_probability,
    priority: t.priority,
    error_code: f.error?.code ?? null,
    error_msg: f.error?.message ?? null,
    simulated: t.code === undefined,
    ...(f.result_json === null ? {} : { result: JSON.parse(f.result_json) }),
  };
}

/** The original's AgentMetric rows: one metric per line. */
function metricRows(a: AgentPerformance | undefined, wave: number, timestamp: string) {
  if (!a) return [];
  const metric = (metric_name: string, value: number | null, unit: string) => ({ agent_id: a.agent_id, wave, metric_name, value, unit, timestamp });
  return [
    metric("tasks", a.tasks, "count"),
    metric("success_rate", a.success_rate, "ratio"),
    metric("mean_predicted", a.mean_predicted, "probability"),
    metric("mean_latency_ms", a.mean_latency_ms, "ms"),
    metric("p95_latency_ms", a.p95_latency_ms, "ms"),
    metric("retry_rate", a.tasks === 0 ? null : a.retries / a.tasks, "ratio"),
    metric("busy_ms", a.busy_ms, "ms"),
  ];
}

/** Whole-word match, so agent_1's feedback does not pick up advice about agent_10. */
const mentions = (text: string, agent_id: string) =>
  new RegExp(`(^|[^\\w])${agent_id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w])`).test(text);

export function agentFiles(w: ReportWave): OutFile[] {
  const perf = w.signals.find((s) => s.signal_type === "agent_performance");
  const agents = perf?.signal_type === "agent_performance" ? perf.content.agents : [];
  const timestamp = isoOrDash(w.observation.ended_at);
  return w.observation.agents.flatMap(({ agent_id }) => {
    const dir = `wave_${w.wave}/${agent_id}`;
    const mine = agents.find((a) => a.agent_id === agent_id);
    const feedback = perf && mine
      ? [{ signal_id: perf.signal_id, wave: w.wave, target_phase: perf.target_phase, confidence: perf.confidence, ...mine,
        recommendations: perf.recommendations.filter((r) => mentions(r, agent_id)), generated_at: perf.generated_at }]
      : [];
    return [
      {
        path: `${dir}/agent_assignments.jsonl`,
        content: jsonl(w.assignments.filter((a) => a.agent_id === agent_id).map((a) => ({
          ...a,
          // The original's name for the same figure, for tools that read its files.
          predicted_success_rate: a.predicted_success_probability,
          assigned_at: isoOrDash(a.assigned_at),
        }))),
      },
      {
        path: `${dir}/executed_tasks.jsonl`,
        content: jsonl(w.observation.tasks.filter((t) => t.agent_id === agent_id).map(executedTask)),
      },
      { path: `${dir}/agent_metrics.jsonl`, content: jsonl(metricRows(mine, w.wave, timestamp)) },
      { path: `${dir}/agent_feedback.jsonl`, content: jsonl(feedback) },
    ];
  });
}
