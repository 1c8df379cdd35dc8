import { describe, expect, test } from "bun:test";
import { createRng, isRetryable, type RetryPolicy } from "../../src/core";
import { effectivePolicy, retryDelay } from "../../src/executor";

const policy = (p: Partial<RetryPolicy> = {}): RetryPolicy => ({ strategy: "exponential", base_delay_ms: 1000, max_delay_ms: 30_000, jitter: 0, ...p });
const rng = () => createRng(42);

describe("retryDelay", () => {
  test("exponential waits base × 2^(k−1): 1 s, 2 s, 4 s", () => {
    expect([1, 2, 3].map((k) => retryDelay(policy(), k, rng()))).toEqual([1000, 2000, 4000]);
  });
  test("linear waits base × k", () => {
    expect([1, 2, 3].map((k) => retryDelay(policy({ strategy: "linear" }), k, rng()))).toEqual([1000, 2000, 3000]);
  });
  test("none never retries", () => {
    expect(retryDelay(policy({ strategy: "none" }), 1, rng())).toBeNull();
  });
  test("the delay is capped at max_delay_ms", () => {
    expect(retryDelay(policy({ max_delay_ms: 5000 }), 10, rng())).toBe(5000);
  });
  test("jitter spreads within ± the fraction and is the same for the same seed", () => {
    const draws = Array.from({ length: 200 }, (_, i) => retryDelay(policy({ jitter: 0.2 }), 2, createRng(i))!);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1600);
    expect(Math.max(...draws)).toBeLessThanOrEqual(2400);
    expect(new Set(draws).size).toBeGreaterThan(50);
    expect(retryDelay(policy({ jitter: 0.2 }), 2, createRng(7))).toBe(retryDelay(policy({ jitter: 0.2 }), 2, createRng(7)));
  });
  test("never below a provider's retry_after, which is capped too", () => {
    expect(retryDelay(policy(), 1, rng(), 7000)).toBe(7000);
    expect(retryDelay(policy({ max_delay_ms: 3000 }), 1, rng(), 60_000)).toBe(3000);
  });
  test("a task's retry fields override the run's", () => {
    expect(effectivePolicy(policy(), { base_delay_ms: 10 })).toEqual(policy({ base_delay_ms: 10 }));
  });
});

describe("retryable errors (SPEC 4.4)", () => {
  test("by code", () => {
    for (const code of ["TASK_ERROR", "TIMEOUT", "AGENT_CRASH"] as const) expect(isRetryable(code)).toBe(true);
    for (const code of ["SYNTAX_ERROR", "VIOLATION", "MEMORY_LIMIT", "STACK_OVERFLOW", "OUTPUT_LIMIT", "RESULT_NOT_JSON", "SAFETY_GATE_REJECTED"] as const) {
      expect(isRetryable(code)).toBe(false);
    }
  });
  test("a thrown value with retryable: false is not retried", () => {
    expect(isRetryable("TASK_ERROR", { thrownRetryable: false })).toBe(false);
  });
  test("provider errors by status", () => {
    expect([408, 429, 500, 503, 400, 401, 404].map((status) => isRetryable("PROVIDER_ERROR", { status }))).toEqual([true, true, true, true, false, false, false]);
  });
});
