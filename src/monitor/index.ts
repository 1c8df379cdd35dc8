/**
 * The monitor (SPEC 8): per-wave health, the confidence trajectory across waves, and the four
 * anomaly types, including the agent_failure verdict that sits an agent out of the next wave.
 */
export {
  waveHealth,
  healthStatus,
  HEALTH_STATUSES,
  HEALTH_STATUS_FLOORS,
  HealthMetricsSchema,
  WaveHealthSchema,
  type HealthStatus,
  type WaveHealth,
} from "./health";
export { detectAnomalies } from "./anomalies";
export { emptyHistory } from "./history";
export { confidenceTrajectory, type Trajectory } from "./trajectory";
export { Monitor, type WaveVerdict } from "./monitor";
export * from "./types";
