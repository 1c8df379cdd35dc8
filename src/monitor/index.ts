/**
 * The monitor (SPEC 8): per-wave health, the confidence trajectory across waves, and the four
 * anomaly types, including the agent_failure verdict that sits an agent out of the next wave.
 */
export {
  waveHealth,
  healthScore,
  healthStatus,
  HEALTH_WEIGHTS,
  HEALTH_STATUS_FLOORS,
  HEALTH_STATUSES,
  HealthMetricsSchema,
  WaveHealthSchema,
  type HealthMetrics,
  type HealthStatus,
  type WaveHealth,
} from "./health";
export { detectAnomalies, type AnomalyResult } from "./anomalies";
export { emptyHistory, type AgentRecord, type MonitorHistory } from "./history";
export { confidenceTrajectory, slope, TRAJECTORY_DEFAULTS, type Trajectory, type TrajectoryOptions } from "./trajectory";
export { Monitor, type MonitorOptions, type WaveVerdict } from "./monitor";
export * from "./types";
