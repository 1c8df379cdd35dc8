/**
 * The waves of a run as the reports list them, in wave order: the concluded ones with their
 * health, and the ones the run stopped in, marked cut off. Both kinds are counted by TaskTally
 * over the run's tasks of the wave, so a wave's rates are over what finished, what did not run is
 * counted apart, and the waves add up to the run.
 */
import type { WaveObservation } from "../core";
import type { Calibration } from "../feedback";
import type { Totals } from "../records";
import { num, pct } from "./format";
import { tallyTasks } from "./tally";
import type { ReportTask, ReportWave, RunReport } from "./types";

export interface WaveView {
  wave: number;
  /** The wave's record-backed part; undefined for a wave the run stopped in (cut off). */
  concluded: ReportWave | undefined;
  observation: Omit<WaveObservation, "plan" | "steals">;
  /** The wave's tasks: those not finished are pending (not run). */
  totals: Totals;
  /** succeeded / finished tasks of the wave; null before any finished. */
  success_rate: number | null;
  /** Over the wave's tasks that ran. */
  calibration: Calibration;
}

/** Every wave any task of which ran, ascending. */
export function waveViews(r: RunReport): WaveView[] {
  const byWave = new Map<number, ReportTask[]>();
  for (const t of r.tasks) {
    const list = byWave.get(t.wave);
    if (list) list.push(t);
    else byWave.set(t.wave, [t]);
  }
  const view = (wave: number, observation: WaveView["observation"], concluded: ReportWave | undefined): WaveView => {
    // Counted from the run's tasks, as the run's summary is, so the waves add up to the run.
    const { totals, success_rate, calibration } = tallyTasks(byWave.get(wave) ?? []).figures([]);
    return { wave, concluded, observation, totals, success_rate, calibration };
  };
  return [
    ...r.waves.map((w) => view(w.wave, w.observation, w)),
    ...r.cut_off_waves.map((w) => view(w.wave, w.observation, undefined)),
  ].sort((a, b) => a.wave - b.wave);
}

/** The label a wave goes by in tables and charts. */
export const waveLabel = (v: Pick<WaveView, "wave" | "concluded">) => `wave ${v.wave}${v.concluded ? "" : " (cut off)"}`;

/** How many waves the run has and what became of them. */
export function waveCounts(r: Pick<RunReport, "tasks" | "waves" | "cut_off_waves">) {
  const total = new Set(r.tasks.map((t) => t.wave)).size;
  const concluded = r.waves.length;
  const cut_off = r.cut_off_waves.length;
  return { total, concluded, cut_off, not_run: Math.max(0, total - concluded - cut_off) };
}

export const WAVE_HEAD = ["Wave", "Tasks", "Succeeded", "Failed", "Rejected", "Not run", "Success", "Predicted", "Health", "Status", "Load balance", "Makespan ÷ ideal", "Steals", "Anomalies"] as const;

/** One row per wave; a cut-off wave has no health, plan or anomalies, and says so in its status. */
export function waveRows(r: RunReport): string[][] {
  return waveViews(r).map((v) => {
    const t = v.totals;
    const w = v.concluded;
    const coordination = w?.signals.find((s) => s.signal_type === "multi_agent_coordination");
    const ratio = coordination?.signal_type === "multi_agent_coordination" ? coordination.content.makespan_ratio : null;
    return [String(v.wave), String(t.tasks), String(t.succeeded), String(t.failed), String(t.rejected), String(t.pending),
      pct(v.success_rate), num(v.calibration.mean_predicted), num(w?.health.health_score, 1), w?.health.health_status ?? (r.run.status === "running" ? "running" : "cut off"),
      num(w?.health.metrics.load_balance), num(ratio), w ? String(w.observation.steals) : "—", w ? String(w.anomalies.length) : "—"];
  });
}

/** "5: 2 concluded, 1 cut off, 2 not run", or "3" when every wave concluded. */
export function waveCountText(c: ReturnType<typeof waveCounts>): string {
  const parts = [`${c.concluded} concluded`, ...(c.cut_off > 0 ? [`${c.cut_off} cut off`] : []), ...(c.not_run > 0 ? [`${c.not_run} not run`] : [])];
  return c.concluded === c.total ? String(c.total) : `${c.total}: ${parts.join(", ")}`;
}

/** Why a wave is listed without health: said once under the summary, in both reports. */
export function cutOffNote(r: RunReport): string | undefined {
  const waves = r.cut_off_waves.map((w) => w.wave);
  if (waves.length === 0) return undefined;
  // A report taken while the run goes on: its wave is running, not cut off.
  if (r.run.status === "running") {
    return `Wave ${waves.join(", ")} is still running: it is listed with the tasks that finished so far and the attempts made; health, anomalies and signals come when it concludes.`;
  }
  const which = waves.length === 1 ? `Wave ${waves[0]} was` : `Waves ${waves.join(", ")} were`;
  return `${which} cut off: the run stopped before ${waves.length === 1 ? "it" : "they"} concluded, so ${waves.length === 1 ? "it is" : "they are"} listed with the tasks that finished and the attempts made, without health, anomalies or signals.`;
}
