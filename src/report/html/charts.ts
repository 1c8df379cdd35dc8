/** The HTML report's charts (SPEC 9.3), each a pure function of the RunReport. */
import type { CalibrationBin } from "../../feedback";
import type { RunReport } from "../types";
import { circle, COLORS, legend, line, rect, svg, text, yAxis, type Plot } from "./svg";

interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
}

/** Grouped vertical bars, one group per category. */
function groupedBars(label: string, categories: readonly string[], series: readonly Series[], max: number, format: (v: number) => string, colorOf?: (s: Series, i: number) => string): string {
  const width = Math.max(360, 80 + categories.length * (24 * series.length + 24));
  const p: Plot = { left: 48, top: 24, width: width - 64, height: 160 };
  const group = p.width / Math.max(1, categories.length);
  const bar = Math.min(28, (group - 12) / series.length);
  const body = [...yAxis(p, max, 4, format)];
  categories.forEach((category, c) => {
    const x0 = p.left + c * group + (group - bar * series.length) / 2;
    series.forEach((s, k) => {
      const v = s.values[c];
      if (v === null || v === undefined) return;
      const h = (p.height * Math.min(v, max)) / max;
      body.push(rect(x0 + k * bar, p.top + p.height - h, bar - 2, h, colorOf?.(s, c) ?? s.color, `${category} ${s.name}: ${format(v)}`));
    });
    body.push(text(p.left + c * group + group / 2, p.top + p.height + 16, category));
  });
  if (series.length > 1) body.push(...legend(p.left, 14, series.map((s) => [s.name, s.color] as const)));
  return svg(width, p.top + p.height + 28, label, body);
}

export function healthChart(r: RunReport): string {
  const health: Series = { name: "health", color: COLORS.GOOD, values: r.waves.map((w) => w.health.health_score) };
  return groupedBars("Health score per wave", r.waves.map((w) => `wave ${w.wave}`), [health], 100, (v) => v.toFixed(0),
    (_s, i) => COLORS[r.waves[i]!.health.health_status]);
}

export function predictedVsObserved(r: RunReport): string {
  const categories = r.waves.map((w) => `wave ${w.wave}`);
  return groupedBars("Predicted vs observed success per wave", categories, [
    { name: "predicted", color: COLORS.predicted, values: r.waves.map((w) => w.calibration.mean_predicted) },
    { name: "observed", color: COLORS.observed, values: r.waves.map((w) => w.calibration.observed_rate) },
  ], 1, (v) => v.toFixed(2));
}

/** Observed rate against mean prediction per bin; the diagonal is perfect calibration. */
export function reliabilityDiagram(bins: readonly CalibrationBin[]): string {
  const p: Plot = { left: 48, top: 16, width: 260, height: 260 };
  const px = (v: number) => p.left + v * p.width;
  const py = (v: number) => p.top + p.height - v * p.height;
  const most = Math.max(1, ...bins.map((b) => b.n));
  const body = [
    ...yAxis(p, 1, 5, (v) => v.toFixed(1)),
    line(px(0), py(0), px(1), py(1), COLORS.axis, true),
    ...[0, 0.5, 1].map((v) => text(px(v), py(0) + 16, v.toFixed(1))),
    text(px(0.5), py(0) + 32, "mean predicted"),
  ];
  for (const b of bins) {
    if (b.n === 0 || b.mean_predicted === null || b.observed_rate === null) continue;
    const r = 3 + 9 * Math.sqrt(b.n / most);
    body.push(circle(px(b.mean_predicted), py(b.observed_rate), r, COLORS.observed,
      `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: n ${b.n}, predicted ${b.mean_predicted.toFixed(3)}, observed ${b.observed_rate.toFixed(3)}`));
  }
  return svg(p.left + p.width + 20, p.top + p.height + 40, "Reliability diagram", body);
}

const WAVE_SHADES = ["#1565c0", "#42a5f5", "#90caf9", "#0d47a1", "#64b5f6", "#1976d2"];

/** Busy time per agent, one stacked segment per wave. */
export function agentLoadBars(r: RunReport): string {
  const agents = [...new Set(r.waves.flatMap((w) => w.observation.agents.map((a) => a.agent_id)))];
  const total = (id: string) => r.waves.reduce((s, w) => s + (w.observation.agents.find((a) => a.agent_id === id)?.busy_ms ?? 0), 0);
  const max = Math.max(1, ...agents.map(total));
  const p: Plot = { left: 80, top: 24, width: 420, height: agents.length * 22 };
  const body: string[] = [];
  agents.forEach((id, i) => {
    let x0 = p.left;
    const y0 = p.top + i * 22;
    r.waves.forEach((w, k) => {
      const busy = w.observation.agents.find((a) => a.agent_id === id)?.busy_ms ?? 0;
      const width = (p.width * busy) / max;
      body.push(rect(x0, y0, width, 16, WAVE_SHADES[k % WAVE_SHADES.length]!, `${id} wave ${w.wave}: ${Math.round(busy)} ms busy`));
      x0 += width;
    });
    body.push(text(p.left - 6, y0 + 12, id, "end"), text(x0 + 4, y0 + 12, `${Math.round(total(id))} ms`, "start"));
  });
  body.push(...legend(p.left, 14, r.waves.slice(0, 4).map((w, k) => [`wave ${w.wave}`, WAVE_SHADES[k % WAVE_SHADES.length]!] as const)));
  return svg(p.left + p.width + 80, p.top + p.height + 8, "Busy time per agent", body);
}

/** Every attempt as a bar on its agent's row, from its start to its end, coloured by outcome. */
export function attemptTimeline(r: RunReport): string {
  const attempts = r.tasks.flatMap((t) => t.attempts.map((a) => ({ ...a, task_id: t.task_id })));
  if (attempts.length === 0) return "<p>No attempt ran.</p>";
  const agents = [...new Set([...r.waves.flatMap((w) => w.observation.agents.map((a) => a.agent_id)), ...attempts.map((a) => a.agent_id)])];
  const start = Math.min(...attempts.map((a) => a.started_at));
  const end = Math.max(...attempts.map((a) => a.ended_at ?? a.started_at));
  const span = Math.max(1, end - start);
  const p: Plot = { left: 80, top: 8, width: 640, height: agents.length * 20 };
  const body: string[] = [];
  agents.forEach((id, i) => body.push(text(p.left - 6, p.top + i * 20 + 13, id, "end"), line(p.left, p.top + i * 20 + 18, p.left + p.width, p.top + i * 20 + 18, COLORS.grid)));
  for (const a of attempts) {
    const row = agents.indexOf(a.agent_id);
    const x0 = p.left + (p.width * (a.started_at - start)) / span;
    const w = Math.max(1.5, (p.width * ((a.ended_at ?? a.started_at) - a.started_at)) / span);
    const outcome = a.status === "succeeded" ? "succeeded" : a.status === "failed" ? "failed" : "running";
    body.push(rect(x0, p.top + row * 20 + 3, w, 14, COLORS[outcome], `${a.task_id} attempt ${a.attempt}: ${a.status}${a.error ? ` (${a.error.code})` : ""}, ${a.duration_ms ?? "?"} ms`));
  }
  body.push(text(p.left, p.top + p.height + 14, "0 ms", "start"), text(p.left + p.width, p.top + p.height + 14, `${Math.round(span)} ms`, "end"));
  return svg(p.left + p.width + 20, p.top + p.height + 24, "Attempts per agent over time", body);
}
