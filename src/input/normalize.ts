/**
 * Turns a valid input line into the in-memory Task: defaults applied, the alias folded into
 * `predicted_success_probability`, risk derived when absent, unknown fields moved to `meta`.
 */
import { deriveRisk, type Task } from "../core";
import { KNOWN_FIELDS, TASK_DEFAULTS, type TaskInput } from "./schema";

/** Optional input fields that reach the Task unchanged. */
const PASSED_THROUGH = [
  "script",
  "input",
  "agent_id",
  "agent_predictions",
  "timeout_ms",
  "memory_mb",
  "max_retries",
  "retry",
  "approved",
] as const satisfies readonly (keyof Task & keyof TaskInput)[];

/** Fields the schema does not know. Runs once per task, so it avoids per-line temporary arrays. */
function metaOf(line: TaskInput): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const key in line) {
    if (KNOWN_FIELDS.has(key)) continue;
    // defineProperty, not `meta[key] =`: a `__proto__` key must stay data, not swap the prototype.
    Object.defineProperty(meta, key, {
      value: (line as Record<string, unknown>)[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return meta;
}

/**
 * `line` must have passed the schema and the cross-field rules. `code` is the task's JavaScript:
 * `line.code`, or the contents of `line.script` read by the caller from `scriptFile`.
 */
export function toTask(line: TaskInput, seq: number, code: string | undefined, scriptFile?: string): Task {
  // The rules guarantee one of the two is present.
  const p = (line.predicted_success_probability ?? line.predicted_success_rate) as number;
  const task: Task = {
    task_id: line.task_id,
    seq,
    wave: line.wave ?? TASK_DEFAULTS.wave,
    priority: line.priority ?? TASK_DEFAULTS.priority,
    predicted_success_probability: p,
    predicted_execution_time: line.predicted_execution_time ?? TASK_DEFAULTS.predicted_execution_time,
    risk_assessment: line.risk_assessment ?? deriveRisk(p),
    uses: line.uses ?? [],
    meta: metaOf(line),
  };
  if (code !== undefined) task.code = code;
  if (scriptFile !== undefined) task.script_file = scriptFile;
  // Set only when given, so a Task never carries `key: undefined` (JSON.parse yields no undefined).
  const target = task as unknown as Record<string, unknown>;
  for (const key of PASSED_THROUGH) {
    if (line[key] !== undefined) target[key] = line[key];
  }
  return task;
}
