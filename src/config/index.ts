/**
 * Run options: what the flags and environment ask for, validated once with zod into one typed
 * value that the harness uses. Messages name the flag, so a user knows what to fix.
 */
import { z } from "zod";
import { BuddyError, RETRY_STRATEGIES } from "../core";
import { STRATEGY_NAMES } from "./strategies";

export { STRATEGY_NAMES, type StrategyName } from "./strategies";

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

/** Most agents a run may have; `--out` names their directories agent_0 … agent_{MAX_AGENTS−1}. */
export const MAX_AGENTS = 10_000;

export const RunOptionsSchema = z.object({
  /** Logical worker lanes `agent_0` … `agent_{N-1}`. @default 4 */
  agents: int(1, MAX_AGENTS).default(4),
  /** @default "load_balanced" */
  strategy: z.enum(STRATEGY_NAMES).default("load_balanced"),
  /** Tasks in flight per agent. @default 1 */
  concurrency: int(1, 10_000).default(1),
  /** Executor processes. @default CPU count */
  threads: int(1, 256),
  /** @default "exponential" */
  retry: z.enum(RETRY_STRATEGIES).default("exponential"),
  /** @default 3 */
  max_retries: int(0, 100).default(3),
  /** @default 1000 */
  base_delay_ms: int(0).default(1000),
  /** @default 30000 */
  max_delay_ms: int(0).default(30_000),
  /** @default 0.2 */
  jitter: z.number().min(0).max(1).default(0.2),
  /** CPU deadline per attempt. @default 5000 */
  timeout_ms: int(1, 3_600_000).default(5000),
  /** Memory cap per attempt. @default 64 */
  memory_mb: int(1, 4096).default(64),
  /** The run's seed; random (and recorded) when absent. */
  seed: int(0, 0xffffffff).optional(),
  /** Tasks without code succeed with their predicted probability (SPEC 4.5). @default false */
  simulate: z.boolean().default(false),
  /** Simulated tasks take predicted_execution_time × this many seconds (SPEC 4.5). @default 0 */
  time_scale: z.number().min(0).max(3600).default(0),
  /** Stop dispatching after the first task that fails. @default false */
  fail_fast: z.boolean().default(false),
  /** Safety gate: minimum predicted probability. @default 0.1 */
  min_confidence: z.number().min(0).max(1).default(0.1),
  /** Name of the run; a new id when absent. */
  run_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "letters, digits, '.', '_' or '-' (at most 128)")
    // Wherever a RUN_ID is taken, `latest` names the newest run (SPEC 1): a run of that name could not be named.
    .refine((id) => id !== "latest", "'latest' is reserved: it names the newest run wherever a RUN_ID is taken")
    .optional(),
  /** Scales the dry-run mocks' error rates; 0 turns injected errors off. @default 1 */
  mock_error_rate: z.number().min(0).max(100).default(1),
  /** Real provider clients instead of mocks. @default false */
  live: z.boolean().default(false),
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

/** Raw flag values checked by `schema`, or a USAGE error naming each bad flag. */
export function parseFlags<T extends z.ZodTypeAny>(schema: T, raw: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const flag = issue.path.length > 0 ? `--${String(issue.path[0]).replaceAll("_", "-")}` : "options";
    return `${flag}: ${issue.message}`;
  });
  // One problem is the message itself; more are listed above a count, each printed once.
  if (lines.length <= 1) throw new BuddyError("USAGE", lines[0] ?? "invalid options");
  throw new BuddyError("USAGE", `${lines.length} invalid options`, { details: lines });
}
