/**
 * The Markdown report (SPEC 9.3), also written as PHASE_21_AUTONOMOUS_EXECUTION.md: Executive
 * Summary, Failed Tasks, Wave Breakdown, Agent Performance, Anomalies & Alerts, Learning Signals, Calibration,
 * Recommendations.
 */
import { escapeControls } from "../core";
import type { Calibration } from "../feedback";
import { AGENT_HEAD, agentRows } from "./agents";
import { ANOMALY_HEAD, anomalyRows, VIOLATION_HEAD, violationRows } from "./alerts";
import { failedTaskRows, FAILED_TASK_HEAD } from "./failures";
import { isoOrDash, mdTable, ms, num } from "./format";
import { GATE_COUNT_HEAD, gateCountRows, gateDecisionRows } from "./gates";
import { runRecommendations } from "./recommendations";
import type { RunReport } from "./types";
import { cutOffNote, WAVE_HEAD, waveCountText, waveLabel, waveRows, waveViews } from "./waves";

/** Rows shown in the violation and failed-task tables before "… and N more". */
const TABLE_LIMIT = 50;

/** A table of at most TABLE_LIMIT rows, the rest counted under it. */
function limited(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty: string): string[] {
  const more = rows.length > TABLE_LIMIT ? ["", `… and ${rows.length - TABLE_LIMIT} more (see the JSON report).`] : [];
  return [mdTable(head, rows.slice(0, TABLE_LIMIT), empty), ...more];
}

function executiveSummary(r: RunReport): string[] {
  const s = r.summary;
  const t = s.totals;
  const o = r.run.options;
  const over = s.waves.concluded < s.waves.total ? ` over the ${s.waves.concluded} concluded wave(s)` : "";
  // Health is a wave's verdict: without a concluded wave there is none to give.
  const health = s.health_score === null
    ? "No wave concluded, so there is no health score."
    : `Health ${num(s.health_score, 1)} (${s.health_status})${over}, trajectory ${s.confidence_trajectory}.`;
  const note = cutOffNote(r);
  return [
    "## Executive Summary",
    "",
    `Run \`${r.run.run_id}\` ${r.run.status}: ${s.headline}. ${health}`,
    ...(note === undefined ? [] : ["", note]),
    "",
    mdTable(["", ""], [
      ["Input", r.run.input],
      ["Strategy / agents", `${String(o.strategy ?? "—")} / ${String(o.agents ?? "—")}`],
      ["Mode", `${o.live === true ? "live" : "dry run"}${o.simulate === true ? ", simulate" : ""}`],
      ["Seed", String(r.run.seed)],
      ["Tasks", `${t.tasks}: ${t.succeeded} succeeded, ${t.failed} failed, ${t.rejected} rejected${t.pending > 0 ? `, ${t.pending} not run` : ""}`],
      ["Attempts / retries", `${t.attempts} / ${t.retries}`],
      ["Waves", waveCountText(s.waves)],
      ["Brier / ECE", `${num(s.calibration.brier, 3)} / ${num(s.calibration.ece, 3)}`],
      ["Anomalies", `${s.anomalies.total} (${s.anomalies.by_severity.HIGH} high, ${s.anomalies.by_severity.MEDIUM} medium, ${s.anomalies.by_severity.LOW} low)`],
      ["Learning signals", String(s.signals)],
      ["Sandbox violations", String(s.violations)],
      ["Started / ended", `${isoOrDash(r.run.started_at)} / ${isoOrDash(r.run.ended_at)}`],
      ["Duration", ms(s.duration_ms)],
    ]),
  ];
}

const waveBreakdown = (r: RunReport): string[] => ["## Wave Breakdown", "", mdTable([...WAVE_HEAD], waveRows(r), "No wave ran.")];

const agentSection = (r: RunReport): string[] => ["## Agent Performance", "", mdTable([...AGENT_HEAD], agentRows(r), "No agent ran a task.")];

/** Gates as counts only: the decisions one by one are in the HTML report's details and the JSON. */
function gateSection(r: RunReport): string[] {
  const withheld = gateDecisionRows(r).length;
  const pointer = withheld === 0 ? [] : ["", `${withheld} decision(s) did not pass; each is listed in the HTML report and in the JSON report's \`tasks[].gate_decisions\`.`];
  return ["### Safety gates", "", "Tasks per gate and decision (each task counted once, by its first attempt).", "",
    mdTable([...GATE_COUNT_HEAD], gateCountRows(r), "No gate decided on any task."), ...pointer];
}

function alerts(r: RunReport): string[] {
  return [
    "## Anomalies & Alerts", "",
    mdTable([...ANOMALY_HEAD], anomalyRows(r), "No anomalies."), "",
    ...gateSection(r), "",
    "### Sandbox violations", "",
    ...limited([...VIOLATION_HEAD], violationRows(r), "None."),
  ];
}

const failedSection = (r: RunReport): string[] => ["## Failed Tasks", "", ...limited([...FAILED_TASK_HEAD], failedTaskRows(r), "None.")];

function signalSection(r: RunReport): string[] {
  const signals = r.waves.flatMap((w) => w.signals);
  const perPhase = [16, 18, 20].map((phase) => `Phase ${phase}: ${signals.filter((s) => s.target_phase === phase).length}`);
  const out = ["## Learning Signals", "", `${signals.length} signals (${perPhase.join(", ")}).`];
  for (const s of signals) {
    out.push("", `- **Wave ${s.wave} · ${s.signal_type} → Phase ${s.target_phase}** (confidence ${s.confidence})`);
    // Advice may quote a task id: its control characters are written out, as in the tables.
    for (const rec of s.recommendations) out.push(`  - ${escapeControls(rec)}`);
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
      [calibrationRow("run", c), ...waveViews(r).map((v) => calibrationRow(waveLabel(v), v.calibration))]),
    "",
    // Empty bins say nothing; with no bin filled the table says "No data." as the diagram does.
    mdTable(["Bin", "n", "Mean predicted", "Observed rate"],
      c.bins.filter((b) => b.n > 0).map((b) => [`${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`, String(b.n), num(b.mean_predicted, 3), num(b.observed_rate, 3)])),
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
    ["## Recommendations", "", ...runRecommendations(r).map((x) => `- ${escapeControls(x)}`)],
  ];
  return `${sections.map((s) => s.join("\n")).join("\n\n")}\n`;
}
