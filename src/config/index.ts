/**
 * Run options: what the flags and environment ask for, validated once with zod into one typed
 * value that the harness uses. Messages name the flag, so a user knows what to fix.
 */
import { z } from "zod";
import { BuddyError, RETRY_STRATEGIES, STRATEGY_NAMES } from "../core";
import { LIMIT_BOUNDS, RUN_DEFAULTS } from "./defaults";
import { expectationOf, flagMessage, flagName, flagProblem } from "./flag-errors";

export { LIMIT_BOUNDS, RUN_DEFAULTS, SNIPPET_SEED } from "./defaults";
export { STRATEGY_NAMES, type StrategyName } from "../core";
export { flagError, flagProblem, rangeExpectation } from "./flag-errors";

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const bounded = (b: { minimum: number; maximum: number }) => int(b.minimum, b.maximum);

/** Most agents a run may have; `--out` names their directories agent_0 … agent_{MAX_AGENTS−1}. */
export const MAX_AGENTS = 10_000;

/** The options of a run; each default is RUN_DEFAULTS' (defaults.ts). */
export const RunOptionsSchema = z.object({
  /** Logical worker lanes `agent_0` … `agent_{N-1}`. */
  agents: int(1, MAX_AGENTS).default(RUN_DEFAULTS.agents),
  strategy: z.enum(STRATEGY_NAMES).default(RUN_DEFAULTS.strategy),
  /** Tasks in flight per agent. */
  concurrency: int(1, 10_000).default(RUN_DEFAULTS.concurrency),
  /** Executor processes; the CLI gives the CPU count when the flag is absent. */
  threads: int(0, 256),
  retry: z.enum(RETRY_STRATEGIES).default(RUN_DEFAULTS.retry),
  max_retries: bounded(LIMIT_BOUNDS.max_retries).default(RUN_DEFAULTS.max_retries),
  base_delay_ms: bounded(LIMIT_BOUNDS.delay_ms).default(RUN_DEFAULTS.base_delay_ms),
  max_delay_ms: bounded(LIMIT_BOUNDS.delay_ms).default(RUN_DEFAULTS.max_delay_ms),
  jitter: z.number().min(0).max(1).default(RUN_DEFAULTS.jitter),
  /** CPU deadline per attempt. */
  timeout_ms: bounded(LIMIT_BOUNDS.timeout_ms).default(RUN_DEFAULTS.timeout_ms),
  /** Memory cap per attempt. */
  memory_mb: bounded(LIMIT_BOUNDS.memory_mb).default(RUN_DEFAULTS.memory_mb),
  /** The run's seed; random (and recorded) when absent. */
  seed: int(0, 0xffffffff).optional(),
  /** Tasks without code succeed with their predicted probability (SPEC 4.5). */
  simulate: z.boolean().default(RUN_DEFAULTS.simulate),
  /** Simulated tasks take predicted_execution_time × this many seconds (SPEC 4.5). */
  time_scale: z.number().min(0).max(3600).default(RUN_DEFAULTS.time_scale),
  /** Stop dispatching after the first task that fails. */
  fail_fast: z.boolean().default(RUN_DEFAULTS.fail_fast),
  /** Safety gate: minimum predicted probability. */
  min_confidence: z.number().min(0).max(1).default(RUN_DEFAULTS.min_confidence),
  /** Name of the run; a new id when absent. */
  run_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be letters, digits, '.', '_' or '-' (at most 128, a letter or digit first)")
    // Wherever a RUN_ID is taken, `latest` names the newest run (SPEC 1): a run of that name could not be named.
    .refine((id) => id !== "latest", "must be another name than latest (latest names the newest run wherever a RUN_ID is taken)")
    .optional(),
  /** Scales the dry-run mocks' error rates; 0 turns injected errors off. */
  mock_error_rate: z.number().min(0).max(100).default(RUN_DEFAULTS.mock_error_rate),
  /** Dry run: every mock call is answered after this many ms of real time (SPEC 6). */
  mock_latency_ms: bounded(LIMIT_BOUNDS.mock_latency_ms).default(RUN_DEFAULTS.mock_latency_ms),
  /** Real provider clients instead of mocks. */
  live: z.boolean().default(RUN_DEFAULTS.live),
});

export type RunOptions = z.infer<typeof RunOptionsSchema>;

/**
 * The limits of one attempt, as `run` takes them; `buddy sandbox eval` parses its flags with
 * this, so a snippet is refused exactly where a run would be.
 */
export const AttemptOptionsSchema = RunOptionsSchema.pick({ timeout_ms: true, memory_mb: true, seed: true });

/** Turns raw values (from flags) into RunOptions, or a USAGE error naming each bad flag. */
export function parseRunOptions(raw: Record<string, unknown>): RunOptions {
  return parseFlags(RunOptionsSchema, raw);
}

/**
 * Raw flag values checked by `schema`, or a USAGE error naming each bad flag in buddy's words
 * (flag-errors.ts): what it must be, and what it got.
 */
export function parseFlags<T extends z.ZodObject>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = issue.path[0];
    if (key === undefined) return `options: ${issue.message}`;
    const field = schema.shape[key as string] as z.ZodType | undefined;
    const expectation = field === undefined ? undefined : expectationOf(field);
    // A field without an expectation in words (a string rule) says it in its message: "must be …".
    return expectation === undefined ? flagMessage(flagName(key), issue.message, raw[key as string]) : flagProblem(flagName(key), expectation, raw[key as string]);
  });
  // Each bad flag once: zod may report a value twice (too small and not an integer).
  const unique = [...new Set(lines)];
  if (unique.length === 1) throw new BuddyError("USAGE", unique[0]!);
  throw new BuddyError("USAGE", `${unique.length} invalid options`, { details: unique });
}
