/**
 * After a wave (SPEC 4.1): the monitor's verdict and the feedback loop's signals over its
 * observation, and the `wave` record that carries them (SPEC 3, 7, 8).
 */
import { forPeople, iso, type WaveObservation } from "../core";
import { calibrationMetrics, predictionPairs, waveSignals, type Signal } from "../feedback";
import type { Monitor, WaveVerdict } from "../monitor";
import type { WaveRecord } from "../records";
import { TaskTally } from "../report";

export interface WaveConclusion {
  record: WaveRecord;
  verdict: WaveVerdict;
  signals: Signal[];
}

export function concludeWave(obs: WaveObservation, monitor: Monitor, generatedAt: number): WaveConclusion {
  // The monitor keeps its own figures unrounded; what is stored and printed is rounded for people.
  const observed = monitor.observe(obs);
  const verdict: WaveVerdict = { ...observed, anomalies: observed.anomalies.map(forPeople) };
  const signals = waveSignals(obs, { generated_at: iso(generatedAt) }).map(forPeople);
  const tally = new TaskTally(obs.tasks.length);
  for (const t of obs.tasks) tally.add(t.status, t.attempts, t.task.predicted_success_probability);
  const record: WaveRecord = forPeople({
    type: "wave",
    run_id: obs.run_id,
    wave: obs.wave,
    strategy: obs.strategy,
    totals: tally.totals,
    success_rate: verdict.health.metrics.success_rate,
    health_score: verdict.health.health_score,
    health_status: verdict.health.health_status,
    metrics: verdict.health.metrics,
    confidence_trajectory: verdict.confidence_trajectory,
    anomalies: verdict.anomalies,
    calibration: calibrationMetrics(predictionPairs(obs.tasks)),
    signals: signals.map((s) => ({ signal_id: s.signal_id, signal_type: s.signal_type, target_phase: s.target_phase, confidence: s.confidence })),
    plan: obs.plan,
    steals: obs.steals,
    failed_agents: obs.agents.filter((a) => a.failed).map((a) => a.agent_id),
    failed_next_wave: verdict.failed_next_wave,
    duration_ms: obs.ended_at - obs.started_at,
    started_at: iso(obs.started_at),
    ended_at: iso(obs.ended_at),
  });
  return { record, verdict, signals };
}
