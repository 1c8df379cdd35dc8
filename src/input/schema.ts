/**
 * The wire format of one input line (SPEC 2.1). This schema is the single source of truth: its
 * compiled checker validates every line, `Static` gives the parsed type, and `buddy schema task`
 * prints it. Rules that span several fields (the probability alias, `code` xor `script`, unique
 * `task_id`) are stated here as JSON Schema for readers but enforced in `rules.ts`, because the
 * compiled checker only understands TypeBox kinds and those rules need friendlier messages.
 */
import { type Static, type TLiteral, Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { LIMIT_BOUNDS } from "../config/defaults";
import { PROVIDERS, RETRY_STRATEGIES } from "../core";

/** Defaults of SPEC 2.1; `normalize.ts` applies them, the schema advertises them. */
export const TASK_DEFAULTS = { wave: 1, priority: 2, predicted_execution_time: 1 } as const;

/**
 * Largest wave and priority: integers this size are exact, print as digits (never `1e+21`, which
 * would not match the `--out` layout's `wave_<w>/`), and are far beyond any real plan.
 */
export const MAX_WAVE = 1_000_000;
export const MAX_PRIORITY = 1_000_000;
/**
 * Largest predicted_execution_time, in seconds (about 31 years). Planned loads are sums of it:
 * a million tasks at this bound sum to 1e15, finite and exact to the millisecond, so no plan or
 * wave record can overflow to Infinity (stored as null).
 */
export const MAX_EXECUTION_TIME_S = 1e9;


/** A union of string literals; `title` names the kind of value in "unknown <title>" messages. */
function oneOf<T extends string>(values: readonly T[], title: string, description: string) {
  const literals = values.map((v) => Type.Literal(v)) as TLiteral<T>[];
  return Type.Union(literals, { title, description });
}

const probability = (description: string) =>
  Type.Number({ minimum: 0, maximum: 1, description });
const delayMs = (description: string) =>
  Type.Integer({ ...LIMIT_BOUNDS.delay_ms, description });

export const RiskSchema = oneOf(["LOW", "MEDIUM", "HIGH"], "risk level", "Risk class of the task.");

const RetryOverrideSchema = Type.Object(
  {
    strategy: Type.Optional(oneOf(RETRY_STRATEGIES, "retry strategy", "How the delay grows.")),
    base_delay_ms: Type.Optional(delayMs("Delay before the first retry, in ms.")),
    max_delay_ms: Type.Optional(delayMs("Cap on any single delay, in ms.")),
    jitter: Type.Optional(probability("Fraction by which each delay is spread either way.")),
  },
  {
    additionalProperties: false,
    description: "Per-task override of the run's retry policy; any subset of its fields.",
  },
);

export const TaskInputSchema = Type.Object(
  {
    task_id: Type.String({ minLength: 1, description: "Unique in the file." }),
    wave: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_WAVE,
        default: TASK_DEFAULTS.wave,
        description: "Waves run one after another, in ascending order.",
      }),
    ),
    priority: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PRIORITY,
        default: TASK_DEFAULTS.priority,
        description: "1 = most urgent (1 HIGH, 2 MEDIUM, 3 LOW).",
      }),
    ),
    predicted_success_probability: Type.Optional(probability("Predicted chance of success.")),
    predicted_success_rate: Type.Optional(
      probability("Alias of predicted_success_probability; if both are given they must agree."),
    ),
    raw_predicted_success_probability: Type.Optional(
      probability("The prediction before `buddy calibrate --apply` calibrated it; kept in `meta`, not used."),
    ),
    predicted_execution_time: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: MAX_EXECUTION_TIME_S,
        default: TASK_DEFAULTS.predicted_execution_time,
        description: "Seconds; the planning weight of the task.",
      }),
    ),
    risk_assessment: Type.Optional(RiskSchema),
    agent_id: Type.Optional(Type.String({ minLength: 1, description: "Preferred agent (a hint)." })),
    agent_predictions: Type.Optional(
      Type.Record(Type.String(), probability("Predicted chance of success on that agent."), {
        description: "Per-agent predictions: agent_id → probability.",
      }),
    ),
    code: Type.Optional(Type.String({ description: "JavaScript: the body of an async function." })),
    script: Type.Optional(
      Type.String({ minLength: 1, description: "Path of a .js file, relative to the input file." }),
    ),
    input: Type.Optional(Type.Unknown({ description: "Any JSON; given to the code as `input`." })),
    uses: Type.Optional(
      Type.Array(oneOf(PROVIDERS, "provider", "A provider the code may call."), {
        uniqueItems: true,
        description: "Providers the code may call.",
      }),
    ),
    timeout_ms: Type.Optional(
      Type.Integer({ ...LIMIT_BOUNDS.timeout_ms, description: "Per-attempt time limit, ms." }),
    ),
    memory_mb: Type.Optional(Type.Integer({ ...LIMIT_BOUNDS.memory_mb, description: "Per-attempt memory cap, MiB." })),
    max_retries: Type.Optional(
      Type.Integer({ ...LIMIT_BOUNDS.max_retries, description: "Retries after the first attempt." }),
    ),
    retry: Type.Optional(RetryOverrideSchema),
    approved: Type.Optional(Type.Boolean({ description: "Explicit approval for HIGH-risk tasks." })),
  },
  {
    $id: "https://buddy.dev/schema/task.json",
    title: "buddy task",
    description:
      "One line of a buddy input file (JSONL). Fields not listed here are kept verbatim as `meta` " +
      "and echoed in results. A task without `code` or `script` runs only with --simulate.",
    additionalProperties: true,
    anyOf: [
      { required: ["predicted_success_probability"] },
      { required: ["predicted_success_rate"] },
    ],
    not: { required: ["code", "script"] },
  },
);

export type TaskInput = Static<typeof TaskInputSchema>;

/** Compiled once: the fast path for the (usual) valid line is one generated function call. */
export const TaskInputChecker = TypeCompiler.Compile(TaskInputSchema);

/**
 * Fields the schema documents that still go to `meta` like unknown ones: buddy writes them into
 * task files for people (and results echo them), but nothing in a run reads them.
 */
export const META_FIELDS: ReadonlySet<string> = new Set(["raw_predicted_success_probability"]);

/** Input fields the schema knows and a task uses; every other field goes to `meta`. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(TaskInputSchema.properties).filter((f) => !META_FIELDS.has(f)));
