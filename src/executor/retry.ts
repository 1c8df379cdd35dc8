/**
 * Retry delays (SPEC 4.4). Backoffs are values looked up by name; attempt k+1 waits
 * `backoff(base, k)` milliseconds, capped, spread by seeded jitter, and never below a
 * provider's `retry_after` (capped too).
 */
import type { RetryPolicy, RetryStrategyName, Rng } from "../core";

/** `null` means "do not retry". k is the number of the attempt that just failed (1-based). */
const BACKOFFS: Record<RetryStrategyName, (base: number, k: number) => number | null> = {
  exponential: (base, k) => base * 2 ** (k - 1),
  linear: (base, k) => base * k,
  none: () => null,
};

/**
 * The wait before the attempt after attempt `k`, or null when the policy does not retry.
 * Jitter draws one number from `rng` so that the same seed gives the same delays.
 */
export function retryDelay(policy: RetryPolicy, k: number, rng: Rng, retryAfterMs?: number): number | null {
  const raw = BACKOFFS[policy.strategy](policy.base_delay_ms, k);
  if (raw === null) return null;
  const capped = Math.min(raw, policy.max_delay_ms);
  const spread = capped * policy.jitter * (2 * rng.next() - 1);
  const jittered = Math.min(policy.max_delay_ms, Math.max(0, capped + spread));
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.max_delay_ms);
  return Math.round(Math.max(jittered, floor));
}

/** The task's policy: run options overridden by the task's own `retry` fields. */
export function effectivePolicy(run: RetryPolicy, task?: Partial<RetryPolicy>): RetryPolicy {
  if (task === undefined) return run; // the common case, on the hot path
  return { ...run, ...Object.fromEntries(Object.entries(task ?? {}).filter(([, v]) => v !== undefined)) };
}
