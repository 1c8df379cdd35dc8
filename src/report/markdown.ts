/**
 * The Markdown report (SPEC 9.3), also written as PHASE_21_AUTONOMOUS_EXECUTION.md: Executive
 * Summary, Failed Tasks, Wave Breakdown, Agent Performance, Anomalies & Alerts, Learning Signals, Calibration,
 * Recommendations.
 */
import type { Calibration } from "../feedback";
import { runAgents } from "./agents";
import { failedTaskRows, FAILED_TASK_HEAD } from "./failures";
import { isoOrDash, mdTable, ms, num, pct } from "./format";
import { runRecommendations } from "./recommendations";
import type { RunReport } from "./types";

/** Rows shown in the violation and gate tables before "… and N more". */
const TABLE_LIMIT = 50;

function more(count: number): string[] {
  return count > TABLE_LIMIT ? ["", `… and ${count - TABLE_LIMIT} more (see the JSON report).`] : [];
}

function executiveSummary(r: RunReport): string[] {
  const s = r.summary;
  const t = s.totals;
  const o = r.run.options;
  return [
    "## Executive Summary",
    "",
    `Run \`${r.run.run_id}\` ${r.run.status}: ${t.succeeded} of ${t.tasks} tasks succeeded (${pct(s.success_rate)}), ` +
      `health ${num(s.health_score, 1)} (${s.health_status ?? "—"}), trajectory ${s.confidence_trajectory}.`,
    "",
    mdTable(["", ""], [
      ["Input", r.run.input],
      ["Strategy / agents", `${String(o.strategy ?? "—")} / ${String(o.agents ?? "—")}`],
      ["Mode", `${o.live === true ? "live" : "dry run"}${o.simulate === true ? ", simulate" : ""}`],
      ["Seed", String(r.run.seed)],
      ["Tasks", `${t.tasks}: ${t.succeeded} succeeded, ${t.failed} failed, ${t.rejected} rejected${t.pending > 0 ? `, ${t.pending} unfinished` : ""}`],
      ["Attempts / retries", `${t.attempts} / ${t.retries}`],
      ["Waves", String(r.waves.length)],
      ["Brier / ECE", `${num(s.calibration.brier, 3)} / ${num(s.calibration.ece, 3)}`],
      ["Anomalies", `${s.anomalies.total} (${s.anomalies.by_severity.HIGH} high, ${s.anomalies.by_severity.MEDIUM} medium, ${s.anomalies.by_severity.LOW} low)`],
      ["Learning signals", String(s.signals)],
      ["Sandbox violations", String(s.violations)],
      ["Started / ended", `${isoOrDash(r.run.started_at)} / ${isoOrDash(r.run.ended_at)}`],
      ["Duration", ms(s.duration_ms)],
    ]),
  ];
}

function waveBreakdown(r: RunReport): string[] {
  const rows = r.waves.map((w) => {
    const tasks = w.observation.tasks;
    const count = (status: string) => String(tasks.filter((t) => t.status === status).length);
    const coordination = w.signals.find((s) => s.signal_type === "multi_agent_coordination");
    const ratio = coordination?.signal_type === "multi_agent_coordination" ? coordination.content.makespan_ratio : null;
    return [String(w.wave), String(tasks.length), count("succeeded"), count("failed"), count("rejected"),
      pct(w.health.metrics.success_rate), num(w.calibration.mean_predicted), num(w.health.health_score, 1), w.health.health_status,
      num(w.health.metrics.load_balance), num(ratio), String(w.observation.steals), String(w.anomalies.length)];
  });
  return ["## Wave Breakdown", "", rows.length === 0 ? "No wave ran." : mdTable(
    ["Wave", "Tasks", "Succeeded", "Failed", "Rejected", "Success", "Predicted", "Health", "Status", "Load balance", "Makespan ÷ ideal", "Steals", "Anomalies"],
    rows,
  )];
}

function agentSection(r: RunReport): string[] {
  const rows = runAgents(r).map((a) => [a.agent_id, String(a.tasks), String(a.succeeded), String(a.failed), pct(a.success_rate),
    num(a.mean_predicted), String(a.retries), ms(a.mean_latency_ms), ms(a.p95_latency_ms), ms(a.busy_ms), String(a.waves_sat_out)]);
  return ["## Agent Performance", "", rows.length === 0 ? "No agent ran a task." : mdTable(
    ["Agent", "Tasks", "Succeeded", "Failed", "Success", "Predicted", "Retries", "Mean latency", "p95 latency", "Busy", "Waves sat out"],
    rows,
  )];
}

function alerts(r: RunReport): string[] {
  const anomalies = r.waves.flatMap((w) => w.anomalies);
  const gated = r.tasks.flatMap((t) => t.gate_decisions.filter((d) => d.decision !== "pass" && d.attempt === 1));
  const out = ["## Anomalies & Alerts", ""];
  out.push(anomalies.length === 0 ? "No anomalies." : mdTable(
    ["Wave", "Severity", "Type", "Description", "Agents", "Recommendation"],
    anomalies.map((a) => [String(a.wave), a.severity, a.anomaly_type, a.description, a.affected_agents.join(", ") || "—", a.recommendation]),
  ));
  out.push("", "### Safety gates", "");
  out.push(gated.length === 0 ? "Every gate passed." : mdTable(
    ["Task", "Gate", "Decision", "Reason"],
    gated.slice(0, TABLE_LIMIT).map((d) => [d.task_id, d.gate, d.decision, d.reason]),
  ), ...more(gated.length));
  out.push("", "### Sandbox violations", "");
  out.push(r.violations.length === 0 ? "None." : mdTable(
    ["Time", "Task", "Attempt", "Violation", "Details"],
    r.violations.slice(0, TABLE_LIMIT).map((v) => [v.timestamp, v.task_id, String(v.attempt), v.violation_type, v.details]),
  ), ...more(r.violations.length));
  return out;
}

function failedSection(r: RunReport): string[] {
  const rows = failedTaskRows(r);
  return ["## Failed Tasks", "", rows.length === 0 ? "None." : mdTable([...FAILED_TASK_HEAD], rows.slice(0, TABLE_LIMIT)), ...more(rows.length)];
}

function signalSection(r: RunReport): string[] {
  const signals = r.waves.flatMap((w) => w.signals);
  const perPhase = [16, 18, 20].map((phase) => `Phase ${phase}: ${signals.filter((s) => s.target_phase === phase).length}`);
  const out = ["## Learning Signals", "", `${signals.length} signals (${perPhase.join(", ")}).`];
  for (const s of signals) {
    out.push("", `- **Wave ${s.wave} · ${s.signal_type} → Phase ${s.target_phase}** (confidence ${s.confidence})`);
    for (const rec of s.recommendations) out.push(`  - ${rec}`);
  }
  return out;
}

const calibrationRow = (label: string, c: Calibration) =>
  [label, String(c.n), num(c.mean_predicted, 3), num(c.observed_rate, 3), num(c.bias, 3), num(c.mae, 3), num(c.brier, 3), num(c.log_loss, 3), num(c.ece, 3)];

function calibrationSection(r: RunReport): string[] {
  const c = r.summary.calibration;
  return [
    "## Calibration",
    "",
    "Bias is mean predicted − observed rate (positive: predictions run high). ECE over 10 equal bins.",
    "",
    mdTable(["Scope", "n", "Predicted", "Observed", "Bias", "MAE", "Brier", "Log loss", "ECE"],
      [calibrationRow("run", c), ...r.waves.map((w) => calibrationRow(`wave ${w.wave}`, w.calibration))]),
    "",
    mdTable(["Bin", "n", "Mean predicted", "Observed rate"],
      c.bins.map((b) => [`${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`, String(b.n), num(b.mean_predicted, 3), num(b.observed_rate, 3)])),
  ];
}

export function markdownReport(r: RunReport): string {
  const sections = [
    [`# Phase 21 Autonomous Execution — ${r.run.run_id}`, "", `Generated ${r.generated_at} by buddy.`],
    executiveSummary(r),
    failedSection(r),
    waveBreakdown(r),
    agentSection(r),
    alerts(r),
    signalSection(r),
    calibrationSection(r),
    ["## Recommendations", "", ...runRecommendations(r).map((x) => `- ${x}`)],
  ];
  return `${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}
