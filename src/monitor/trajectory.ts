/**
 * The confidence trajectory across waves (SPEC 8): improving, stable or degrading, from the
 * least-squares slope of the recent per-wave values. A slope, not first-vs-last, so one odd wave
 * does not flip the verdict.
 */

export type Trajectory = "improving" | "stable" | "degrading";

export interface TrajectoryOptions {
  /** How many of the most recent waves the slope is fitted over. @default 5 */
  window?: number;
  /** Change per wave (on a 0–1 scale) that counts as a trend. @default 0.02 */
  tolerance?: number;
}

const TRAJECTORY_DEFAULTS: Required<TrajectoryOptions> = { window: 5, tolerance: 0.02 };

/** Least-squares slope of values against their index; 0 for fewer than two values. */
function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((v, i) => {
    num += (i - mx) * (v - my);
    den += (i - mx) ** 2;
  });
  return num / den;
}

/**
 * `values` are per-wave figures on a 0–1 scale, oldest first (the monitor passes health / 100).
 * Fewer than two waves: stable (no trend can be seen yet).
 */
export function confidenceTrajectory(values: readonly number[], options: TrajectoryOptions = {}): Trajectory {
  const { window, tolerance } = { ...TRAJECTORY_DEFAULTS, ...options };
  const s = slope(values.slice(-window));
  if (s > tolerance) return "improving";
  if (s < -tolerance) return "degrading";
  return "stable";
}
