/**
 * The defaults of the run options, in one table. The zod schema (RunOptionsSchema) fills them
 * in, and the yargs flags of `buddy run` and `buddy sandbox eval` take them as their `default`,
 * which is what `--help` shows: a default is changed here and nowhere else.
 */
import type { RetryStrategyName, StrategyName } from "../core";

export const RUN_DEFAULTS = {
  /** Logical worker lanes `agent_0` … `agent_{N-1}`. @default 4 */
  agents: 4,
  /** @default "load_balanced" */
  strategy: "load_balanced" as StrategyName,
  /** Tasks in flight per agent. @default 1 */
  concurrency: 1,
  /** @default "exponential" */
  retry: "exponential" as RetryStrategyName,
  /** @default 3 */
  max_retries: 3,
  /** @default 1000 */
  base_delay_ms: 1000,
  /** @default 30000 */
  max_delay_ms: 30_000,
  /** @default 0.2 */
  jitter: 0.2,
  /** CPU deadline per attempt. @default 5000 */
  timeout_ms: 5000,
  /** Memory cap per attempt. @default 64 */
  memory_mb: 64,
  /** @default false */
  simulate: false,
  /** @default 0 */
  time_scale: 0,
  /** @default false */
  fail_fast: false,
  /** Safety gate: minimum predicted probability. @default 0.1 */
  min_confidence: 0.1,
  /** @default 1 */
  mock_error_rate: 1,
  /** Real latency of every dry-run mock call. @default 0 */
  mock_latency_ms: 0,
  /** @default false */
  live: false,
} as const;

/**
 * The seed of `buddy sandbox eval` when none is given (a run's seed is random instead, and
 * recorded): a snippet run twice behaves the same. @default 0
 */
export const SNIPPET_SEED = 0;

/**
 * The bounds of the limits a run's flags set and a task line may override: one table, so a
 * task's own `timeout_ms` can never reach what `--timeout-ms` refuses. Timeouts stay far below
 * the 2^31−1 ms a timer can wait (above it, Bun and Node fire at once); retry delays may use
 * all of it.
 */
export const LIMIT_BOUNDS = {
  /** An hour per attempt. */
  timeout_ms: { minimum: 1, maximum: 3_600_000 },
  /** Below 1 MiB QuickJS cannot start; 4 GiB is the wasm32 address space. */
  memory_mb: { minimum: 1, maximum: 4096 },
  /** 100 retries with a capped delay is already hours; more is a typo. */
  max_retries: { minimum: 0, maximum: 100 },
  /** The longest wait a timer honours. */
  delay_ms: { minimum: 0, maximum: 2_147_483_647 },
  /** A minute per call is slower than any API answers; more is a typo. */
  mock_latency_ms: { minimum: 0, maximum: 60_000 },
} as const;
