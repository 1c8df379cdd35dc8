/**
 * The HTML report (SPEC 9.3): one self-contained file — inline CSS and SVG, no script, no
 * network — with health per wave, predicted vs observed, the reliability diagram, agent load,
 * the attempt timeline, and the anomaly and violation tables.
 */
import { runAgents } from "../agents";
import { failedTaskRows, FAILED_TASK_HEAD } from "../failures";
import { escapeXml as x, ms, num, pct } from "../format";
import { runRecommendations } from "../recommendations";
import type { RunReport } from "../types";
import { agentLoadBars, attemptTimeline, healthChart, predictedVsObserved, reliabilityDiagram } from "./charts";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}.charts{display:flex;flex-wrap:wrap;gap:24px}`;

/** Rows shown in each table before "… and N more". */
const TABLE_LIMIT = 200;

function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, empty: string): string {
  if (rows.length === 0) return `<p>${x(empty)}</p>`;
  const cells = (r: readonly string[], tag: string) => `<tr>${r.map((c) => `<${tag}>${x(c)}</${tag}>`).join("")}</tr>`;
  const shown = rows.slice(0, TABLE_LIMIT).map((r) => cells(r, "td"));
  const more = rows.length > TABLE_LIMIT ? `<p>… and ${rows.length - TABLE_LIMIT} more (see the JSON report).</p>` : "";
  return `<table><thead>${cells(head, "th")}</thead><tbody>${shown.join("")}</tbody></table>${more}`;
}

function cards(r: RunReport): string {
  const s = r.summary;
  const card = (label: string, value: string) => `<div class="card">${x(label)}<b>${x(value)}</b></div>`;
  return `<div class="cards">${[
    card("Status", r.run.status),
    card("Tasks", `${s.totals.succeeded}/${s.totals.tasks} ok`),
    card("Success rate", pct(s.success_rate)),
    card("Health", `${num(s.health_score, 1)} ${s.health_status ?? ""}`),
    card("Trajectory", s.confidence_trajectory),
    card("Brier", num(s.calibration.brier, 3)),
    card("Anomalies", String(s.anomalies.total)),
    card("Violations", String(s.violations)),
  ].join("")}</div>`;
}

export function htmlReport(r: RunReport): string {
  const o = r.run.options;
  const anomalies = r.waves.flatMap((w) => w.anomalies);
  const gated = r.tasks.flatMap((t) => t.gate_decisions.filter((d) => d.decision !== "pass" && d.attempt === 1));
  const section = (title: string, ...parts: string[]) => `<h2>${x(title)}</h2>\n${parts.join("\n")}`;
  const body = [
    `<h1>buddy run ${x(r.run.run_id)}</h1>`,
    `<p>${x(`${r.run.input} · ${String(o.strategy ?? "")} · ${String(o.agents ?? "")} agents · seed ${r.run.seed} · ${o.live === true ? "live" : "dry run"} · generated ${r.generated_at}`)}</p>`,
    cards(r),
    section("Health and predictions", `<div class="charts">${healthChart(r)}${predictedVsObserved(r)}</div>`),
    section("Waves", table(["Wave", "Tasks", "Success", "Predicted", "Health", "Status", "Load balance", "Steals", "Anomalies"],
      r.waves.map((w) => [String(w.wave), String(w.observation.tasks.length), pct(w.health.metrics.success_rate), num(w.calibration.mean_predicted),
        num(w.health.health_score, 1), w.health.health_status, num(w.health.metrics.load_balance), String(w.observation.steals), String(w.anomalies.length)]), "No wave ran.")),
    section("Calibration", `<div class="charts">${reliabilityDiagram(r.summary.calibration.bins)}</div>`,
      `<p>${x(`n ${r.summary.calibration.n} · bias ${num(r.summary.calibration.bias, 3)} · MAE ${num(r.summary.calibration.mae, 3)} · Brier ${num(r.summary.calibration.brier, 3)} · log loss ${num(r.summary.calibration.log_loss, 3)} · ECE ${num(r.summary.calibration.ece, 3)}`)}</p>`),
    section("Agents", agentLoadBars(r), table(["Agent", "Tasks", "Success", "Predicted", "Retries", "Mean latency", "p95 latency", "Waves sat out"],
      runAgents(r).map((a) => [a.agent_id, String(a.tasks), pct(a.success_rate), num(a.mean_predicted), String(a.retries), ms(a.mean_latency_ms), ms(a.p95_latency_ms), String(a.waves_sat_out)]), "No agent ran a task.")),
    section("Attempt timeline", attemptTimeline(r)),
    section("Anomalies", table(["Wave", "Severity", "Type", "Description", "Agents", "Recommendation"],
      anomalies.map((a) => [String(a.wave), a.severity, a.anomaly_type, a.description, a.affected_agents.join(", "), a.recommendation]), "No anomalies.")),
    section("Sandbox violations", table(["Time", "Task", "Attempt", "Violation", "Details", "Code"],
      r.violations.map((v) => [v.timestamp, v.task_id, String(v.attempt), v.violation_type, v.details, v.code_preview]), "None.")),
    section("Safety gates", table(["Task", "Gate", "Decision", "Reason"], gated.map((d) => [d.task_id, d.gate, d.decision, d.reason]), "Every gate passed.")),
    section("Failed tasks", table([...FAILED_TASK_HEAD], failedTaskRows(r), "None.")),
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
