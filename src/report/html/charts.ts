/**
 * The HTML report's charts (SPEC 9.3), each a pure function of the RunReport. Each has a legend
 * for its colours and titled axes, and says "no data" when it has nothing to draw.
 */
import { extent } from "../../core";
import type { CalibrationBin } from "../../feedback";
import { HEALTH_STATUS_FLOORS } from "../../monitor";
import type { RunReport } from "../types";
import { waveLabel, waveViews } from "../waves";
import { axisTitle, circle, COLORS, legend, line, noData, rect, svg, text, yAxis, type LegendItem, type Plot } from "./svg";

interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
}

interface BarChart {
  label: string;
  categories: readonly string[];
  series: readonly Series[];
  max: number;
  format: (v: number) => string;
  yTitle: string;
  legend: readonly LegendItem[];
  /** A bar's colour when it is not its series' (health: the wave's status). */
  colorOf?: (s: Series, i: number) => string;
}

/** Room under a plot for its tick labels and the first legend row. */
const UNDER_PLOT = 40;

/** Grouped vertical bars, one group per category. */
function groupedBars(c: BarChart): string {
  const width = Math.max(380, 88 + c.categories.length * (24 * c.series.length + 24));
  const p: Plot = { left: 56, top: 16, width: width - 72, height: 160 };
  if (c.series.every((s) => s.values.every((v) => v === null))) return noData(width, p.top + p.height + UNDER_PLOT, c.label);
  const group = p.width / c.categories.length;
  const bar = Math.min(28, (group - 12) / c.series.length);
  const body = [...yAxis(p, c.max, 4, c.format), axisTitle(14, p.top + p.height / 2, c.yTitle, true)];
  c.categories.forEach((category, i) => {
    const x0 = p.left + i * group + (group - bar * c.series.length) / 2;
    c.series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || v === undefined) return;
      const h = (p.height * Math.min(v, c.max)) / c.max;
      body.push(rect(x0 + k * bar, p.top + p.height - h, bar - 2, h, c.colorOf?.(s, i) ?? s.color, `${category} ${s.name}: ${c.format(v)}`));
    });
    body.push(text(p.left + i * group + group / 2, p.top + p.height + 16, category));
  });
  const key = legend(p.left, p.top + p.height + 36, p.width, c.legend);
  return svg(width, p.top + p.height + UNDER_PLOT + key.height, c.label, [...body, ...key.parts]);
}

/** Only concluded waves have a health score: a wave the run stopped in is left out. */
export function healthChart(r: RunReport): string {
  return groupedBars({
    label: "Health score per wave",
    categories: r.waves.map((w) => `wave ${w.wave}`),
    series: [{ name: "health", color: COLORS.GOOD, values: r.waves.map((w) => w.health.health_score) }],
    max: 100,
    format: (v) => v.toFixed(0),
    yTitle: "health score",
    legend: HEALTH_STATUS_FLOORS.map(([status, floor], i) => ({
      label: Number.isFinite(floor) ? `${status} ≥ ${floor}` : `${status} < ${HEALTH_STATUS_FLOORS[i - 1]![1]}`,
      color: COLORS[status],
    })),
    colorOf: (_s, i) => COLORS[r.waves[i]!.health.health_status],
  });
}

/** Every wave that ran, a cut-off one over the tasks of it that finished. */
export function predictedVsObserved(r: RunReport): string {
  const views = waveViews(r);
  return groupedBars({
    label: "Predicted vs observed success per wave",
    categories: views.map(waveLabel),
    series: [
      { name: "predicted", color: COLORS.predicted, values: views.map((v) => v.calibration.mean_predicted) },
      { name: "observed", color: COLORS.observed, values: views.map((v) => v.calibration.observed_rate) },
    ],
    max: 1,
    format: (v) => v.toFixed(2),
    yTitle: "success rate",
    legend: [{ label: "mean predicted", color: COLORS.predicted }, { label: "observed", color: COLORS.observed }],
  });
}

/** Observed rate against mean prediction per bin; the diagonal is perfect calibration. */
export function reliabilityDiagram(bins: readonly CalibrationBin[]): string {
  const p: Plot = { left: 56, top: 16, width: 260, height: 260 };
  const width = p.left + p.width + 20;
  const filled = bins.filter((b) => b.n > 0 && b.mean_predicted !== null && b.observed_rate !== null);
  if (filled.length === 0) return noData(width, p.top + p.height + 56, "Reliability diagram");
  const px = (v: number) => p.left + v * p.width;
  const py = (v: number) => p.top + p.height - v * p.height;
  const most = Math.max(1, ...filled.map((b) => b.n));
  const body = [
    ...yAxis(p, 1, 5, (v) => v.toFixed(1)),
    line(px(0), py(0), px(1), py(1), COLORS.axis, true),
    ...[0, 0.5, 1].map((v) => text(px(v), py(0) + 16, v.toFixed(1))),
    axisTitle(px(0.5), py(0) + 32, "mean predicted probability"),
    axisTitle(14, py(0.5), "observed success rate", true),
  ];
  for (const b of filled) {
    const radius = 3 + 9 * Math.sqrt(b.n / most);
    body.push(circle(px(b.mean_predicted!), py(b.observed_rate!), radius, COLORS.observed,
      `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: n ${b.n}, predicted ${b.mean_predicted!.toFixed(3)}, observed ${b.observed_rate!.toFixed(3)}`));
  }
  const key = legend(p.left, py(0) + 52, p.width, [
    { label: "a bin of tasks (area: how many)", color: COLORS.observed, swatch: "dot" },
    { label: "perfect calibration", color: COLORS.axis, swatch: "dash" },
  ]);
  return svg(width, py(0) + 40 + key.height, "Reliability diagram", [...body, ...key.parts]);
}

/** Categorical colours far enough apart to tell neighbouring waves' segments apart. */
const WAVE_SHADES = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#9e9d24", "#4e342e"];
const shade = (k: number) => WAVE_SHADES[k % WAVE_SHADES.length]!;

/** Busy time per agent, one stacked segment per wave, waves the run stopped in included. */
export function agentLoadBars(r: RunReport): string {
  const views = waveViews(r);
  const agents = [...new Set(views.flatMap((v) => v.observation.agents.map((a) => a.agent_id)))];
  const busyIn = (k: number, id: string) => views[k]!.observation.agents.find((a) => a.agent_id === id)?.busy_ms ?? 0;
  const total = (id: string) => views.reduce((s, _v, k) => s + busyIn(k, id), 0);
  const max = Math.max(0, ...agents.map(total));
  const p: Plot = { left: 80, top: 8, width: 420, height: agents.length * 22 };
  const width = p.left + p.width + 80;
  if (max === 0) return noData(width, 120, "Busy time per agent");
  const body: string[] = [];
  agents.forEach((id, i) => {
    let x0 = p.left;
    const y0 = p.top + i * 22;
    views.forEach((v, k) => {
      const segment = (p.width * busyIn(k, id)) / max;
      body.push(rect(x0, y0, segment, 16, shade(k), `${id} ${waveLabel(v)}: ${Math.round(busyIn(k, id))} ms busy`));
      x0 += segment;
    });
    body.push(text(p.left - 6, y0 + 12, id, "end"), text(x0 + 4, y0 + 12, `${Math.round(total(id))} ms`, "start"));
  });
  body.push(axisTitle(p.left + p.width / 2, p.top + p.height + 14, "busy time (sum of attempt durations)"));
  const key = legend(p.left, p.top + p.height + 34, p.width, views.map((v, k) => ({ label: waveLabel(v), color: shade(k) })));
  return svg(width, p.top + p.height + 26 + key.height, "Busy time per agent", [...body, ...key.parts]);
}

const OUTCOMES = [
  { label: "succeeded", color: COLORS.succeeded },
  { label: "failed", color: COLORS.failed },
  { label: "unfinished (run stopped)", color: COLORS.running },
] as const;

/**
 * Bars a timeline draws at most: each is ~200 bytes of SVG, so a million-attempt run would make a
 * report of hundreds of MB that no browser opens; past it, the first attempts (by start) are drawn.
 */
const TIMELINE_LIMIT = 5000;

/** Every attempt (up to TIMELINE_LIMIT) as a bar on its agent's row, from its start to its end, coloured by outcome. */
export function attemptTimeline(r: RunReport): string {
  const all = r.tasks.flatMap((t) => t.attempts.map((a) => ({ ...a, task_id: t.task_id })));
  const attempts = all.length <= TIMELINE_LIMIT ? all : all.sort((a, b) => a.started_at - b.started_at).slice(0, TIMELINE_LIMIT);
  const p: Plot = { left: 80, top: 8, width: 640, height: 0 };
  const width = p.left + p.width + 20;
  if (attempts.length === 0) return noData(width, 120, "Attempts per agent over time");
  const agents = [...new Set([...waveViews(r).flatMap((v) => v.observation.agents.map((a) => a.agent_id)), ...attempts.map((a) => a.agent_id)])];
  p.height = agents.length * 20;
  const rowOf = new Map(agents.map((id, i) => [id, i]));
  const [start] = extent(attempts.map((a) => a.started_at));
  const [, end] = extent(attempts.map((a) => a.ended_at ?? a.started_at));
  const span = Math.max(1, end - start);
  const body: string[] = [];
  agents.forEach((id, i) => body.push(text(p.left - 6, p.top + i * 20 + 13, id, "end"), line(p.left, p.top + i * 20 + 18, p.left + p.width, p.top + i * 20 + 18, COLORS.grid)));
  for (const a of attempts) {
    const row = rowOf.get(a.agent_id)!;
    const x0 = p.left + (p.width * (a.started_at - start)) / span;
    const w = Math.max(1.5, (p.width * ((a.ended_at ?? a.started_at) - a.started_at)) / span);
    const outcome = a.status === "succeeded" ? OUTCOMES[0] : a.status === "failed" ? OUTCOMES[1] : OUTCOMES[2];
    body.push(rect(x0, p.top + row * 20 + 3, w, 14, outcome.color, `${a.task_id} attempt ${a.attempt}: ${a.status}${a.error ? ` (${a.error.code})` : ""}, ${a.duration_ms ?? "?"} ms`));
  }
  const axis = p.top + p.height + 14;
  const title = all.length > attempts.length ? `time since the first attempt (the first ${attempts.length} of ${all.length} attempts)` : "time since the first attempt";
  body.push(text(p.left, axis, "0 ms", "start"), text(p.left + p.width, axis, `${Math.round(span)} ms`, "end"), axisTitle(p.left + p.width / 2, axis, title));
  const key = legend(p.left, axis + 20, p.width, OUTCOMES);
  return svg(width, axis + 12 + key.height, "Attempts per agent over time", [...body, ...key.parts]);
}
