/**
 * The HTML report (SPEC 9.3): one self-contained file — inline CSS and SVG, no script, no
 * network — with health per wave, predicted vs observed, the reliability diagram, agent load,
 * the attempt timeline, and the anomaly and violation tables. The failed tasks come right after
 * the summary; the gate decisions one by one only on demand, under their counts.
 */
import { AGENT_HEAD, agentRows } from "../agents";
import { ANOMALY_HEAD, anomalyRows, SIGNAL_HEAD, signalRows, VIOLATION_HEAD, violationRows } from "../alerts";
import { failedTaskRows, FAILED_TASK_HEAD } from "../failures";
import { escapeXml as x, NO_DATA, num, pct } from "../format";
import { GATE_COUNT_HEAD, gateCountRows, GATE_DECISION_HEAD, gateDecisionRows } from "../gates";
import { runRecommendations } from "../recommendations";
import type { RunReport } from "../types";
import { cutOffNote, WAVE_HEAD, waveCountText, waveRows } from "../waves";
import { agentLoadBars, attemptTimeline, healthChart, predictedVsObserved, reliabilityDiagram } from "./charts";

/**
 * Nothing makes the page scroll sideways: text wraps anywhere (a task id or a stack has no spaces
 * to break at), charts shrink to the page, and a table wider than the page scrolls in its own
 * box (a last resort: the widest, the wave table, fits 1024 px). In tables only a cell holding
 * such a long token (class "long") breaks anywhere: were every cell to, the table would squeeze
 * its short columns to a letter a line to make room for the longest message.
 */
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px;overflow-wrap:anywhere}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0;font-size:13px;max-width:100%}
.table{overflow-x:auto}th,td{border:1px solid #ddd;padding:4px 5px;text-align:left;vertical-align:top;overflow-wrap:break-word}td.long{overflow-wrap:anywhere;word-break:break-word}
th{background:#f5f5f5}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.charts{display:flex;flex-wrap:wrap;gap:24px}svg{max-width:100%;height:auto}
.headline{font-size:16px}summary{cursor:pointer;margin:8px 0}`;

/** Rows shown in each table before "… and N more". */
const TABLE_LIMIT = 200;

/** Longer than an ISO 8601 time: a run of text this long without a space breaks anywhere. */
const LONG_TOKEN = /\S{30,}/;

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty = NO_DATA): string {
  if (rows.length === 0) return `<p>${x(empty)}</p>`;
  const cell = (tag: string, c: string) => `<${tag}${tag === "td" && LONG_TOKEN.test(c) ? ' class="long"' : ""}>${x(c)}</${tag}>`;
  const cells = (r: readonly string[], tag: string) => `<tr>${r.map((c) => cell(tag, c)).join("")}</tr>`;
  const shown = rows.slice(0, TABLE_LIMIT).map((r) => cells(r, "td"));
  const more = rows.length > TABLE_LIMIT ? `<p>… and ${rows.length - TABLE_LIMIT} more (see the JSON report).</p>` : "";
  return `<div class="table"><table><thead>${cells(head, "th")}</thead><tbody>${shown.join("")}</tbody></table></div>${more}`;
}

const paragraph = (text: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ""}>${x(text)}</p>`;

function cards(r: RunReport): string {
  const s = r.summary;
  const card = (label: string, value: string) => `<div class="card">${x(label)}<b>${x(value)}</b></div>`;
  return `<div class="cards">${[
    card("Status", r.run.status),
    card("Succeeded", `${s.totals.succeeded} of ${s.finished} finished`),
    ...(s.totals.pending > 0 ? [card("Not run", String(s.totals.pending))] : []),
    card("Success rate", pct(s.success_rate)),
    card("Health", `${num(s.health_score, 1)} ${s.health_status ?? ""}`.trim()),
    card("Waves", waveCountText(s.waves)),
    card("Trajectory", s.confidence_trajectory),
    card("Brier", num(s.calibration.brier, 3)),
    card("Anomalies", String(s.anomalies.total)),
    card("Violations", String(s.violations)),
  ].join("")}</div>`;
}

/** Counts per gate and decision; each decision that did not pass behind a <details>. */
function gates(r: RunReport): string {
  const counts = gateCountRows(r);
  if (counts.length === 0) return paragraph("No gate decided on any task.");
  const decisions = gateDecisionRows(r);
  const details = decisions.length === 0
    ? paragraph("Every gate passed every task.")
    : `<details><summary>${x(`${decisions.length} decision(s) that did not pass, task by task`)}</summary>${table([...GATE_DECISION_HEAD], decisions)}</details>`;
  return [paragraph("Tasks per gate and decision (each task counted once, by its first attempt)."),
    table([...GATE_COUNT_HEAD], counts), details].join("\n");
}

function calibration(r: RunReport): string {
  const c = r.summary.calibration;
  return paragraph(`n ${c.n} · bias ${num(c.bias, 3)} · MAE ${num(c.mae, 3)} · Brier ${num(c.brier, 3)} · log loss ${num(c.log_loss, 3)} · ECE ${num(c.ece, 3)}`);
}

export function htmlReport(r: RunReport): string {
  const o = r.run.options;
  const note = cutOffNote(r);
  const section = (title: string, ...parts: string[]) => `<h2>${x(title)}</h2>\n${parts.join("\n")}`;
  const body = [
    `<h1>buddy run ${x(r.run.run_id)}</h1>`,
    paragraph(`${r.run.input} · ${String(o.strategy ?? "")} · ${String(o.agents ?? "")} agents · seed ${r.run.seed} · ${o.live === true ? "live" : "dry run"} · generated ${r.generated_at}`),
    paragraph(`Run ${r.run.run_id} ${r.run.status}: ${r.summary.headline}.`, "headline"),
    ...(note === undefined ? [] : [paragraph(note)]),
    cards(r),
    section("Failed tasks", table([...FAILED_TASK_HEAD], failedTaskRows(r), "None.")),
    section("Health and predictions", `<div class="charts">${healthChart(r)}${predictedVsObserved(r)}</div>`),
    // The Markdown report's order: waves, agents, anomalies and alerts, signals, calibration, advice.
    section("Waves", table([...WAVE_HEAD], waveRows(r), "No wave ran.")),
    section("Agents", agentLoadBars(r), table([...AGENT_HEAD], agentRows(r), "No agent ran a task.")),
    section("Attempt timeline", attemptTimeline(r)),
    section("Anomalies", table([...ANOMALY_HEAD], anomalyRows(r), "No anomalies.")),
    section("Safety gates", gates(r)),
    section("Sandbox violations", table([...VIOLATION_HEAD], violationRows(r), "None.")),
    section("Learning signals", table([...SIGNAL_HEAD], signalRows(r), "No wave concluded, so no signal was made.")),
    section("Calibration", `<div class="charts">${reliabilityDiagram(r.summary.calibration.bins)}</div>`, calibration(r)),
    section("Recommendations", `<ul>${runRecommendations(r).map((rec) => `<li>${x(rec)}</li>`).join("")}</ul>`),
  ];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>buddy run ${x(r.run.run_id)}</title><style>${STYLE}</style></head>
<body>
${body.join("\n")}
</body></html>
`;
}
