/** `wave_<w>/` files (SPEC 9.2): health, signals, anomalies and the coordination plan. */
import { waveLoad } from "../../feedback";
import { isoOrDash, json, jsonl } from "../format";
import type { ReportWave } from "../types";
import type { OutFile } from "./types";

/** The wave's health in the original's flat record (its committed files hold a one-element array). */
function healthRecord(w: ReportWave) {
  return {
    wave: w.wave,
    health_score: w.health.health_score,
    health_status: w.health.health_status,
    ...w.health.metrics,
    confidence_trajectory: w.confidence_trajectory,
    anomalies: w.anomalies.length,
    failed_next_wave: w.failed_next_wave,
    timestamp: isoOrDash(w.observation.ended_at),
  };
}

export function waveFiles(w: ReportWave): OutFile[] {
  const load = waveLoad(w.observation);
  const plan = {
    ...w.plan,
    steals: w.observation.steals,
    observed: {
      busy_ms: Object.fromEntries(w.observation.agents.map((a) => [a.agent_id, a.busy_ms])),
      makespan_ms: load.makespan_ms,
      ideal_makespan_ms: load.ideal_makespan_ms,
      load_balance: load.load_balance,
    },
    assignments: w.assignments.map(({ task_id, agent_id, reason }) => ({ task_id, agent_id, reason })),
  };
  return [
    { path: `wave_${w.wave}/system_health.json`, content: json([healthRecord(w)]) },
    { path: `wave_${w.wave}/learning_signals.jsonl`, content: jsonl(w.signals) },
    { path: `wave_${w.wave}/anomalies.jsonl`, content: jsonl(w.anomalies) },
    { path: `wave_${w.wave}/coordination_plan.json`, content: json(plan) },
  ];
}
