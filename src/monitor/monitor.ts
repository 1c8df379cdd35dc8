/**
 * The Monitor holds the history across waves: feed it each finished wave in order and it
 * returns the wave's health, anomalies, trajectory and the agents to sit out the next wave.
 */
import type { WaveObservation } from "../core";
import { detectAnomalies } from "./anomalies";
import { waveHealth, type WaveHealth } from "./health";
import { emptyHistory, type MonitorHistory } from "./history";
import { confidenceTrajectory, type Trajectory, type TrajectoryOptions } from "./trajectory";
import { type Anomaly, type AnomalyThresholds, DEFAULT_THRESHOLDS } from "./types";

export interface MonitorOptions {
  /** Overrides of SPEC 8's thresholds. @default DEFAULT_THRESHOLDS */
  thresholds?: Partial<AnomalyThresholds>;
  /** @default TRAJECTORY_DEFAULTS */
  trajectory?: TrajectoryOptions;
}

export interface WaveVerdict {
  health: WaveHealth;
  anomalies: Anomaly[];
  /** Over the health of every wave so far, this one included. */
  confidence_trajectory: Trajectory;
  /** Mark exactly these agents failed for the next wave (and no others). */
  failed_next_wave: string[];
}

export class Monitor {
  private state: MonitorHistory = emptyHistory();
  private readonly thresholds: AnomalyThresholds;

  constructor(private readonly options: MonitorOptions = {}) {
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  }

  get history(): Readonly<MonitorHistory> {
    return this.state;
  }

  observe(obs: WaveObservation): WaveVerdict {
    const health = waveHealth(obs);
    const { anomalies, failed_next_wave, history } = detectAnomalies(obs, this.state, this.thresholds);
    const health_scores = [...history.health_scores, health.health_score];
    this.state = { ...history, health_scores };
    return {
      health,
      anomalies,
      confidence_trajectory: confidenceTrajectory(health_scores.map((s) => s / 100), this.options.trajectory),
      failed_next_wave,
    };
  }
}
