/**
 * Figures for people (SPEC 3): a record of derived figures prints durations in whole
 * milliseconds and every other fraction to 4 decimals, so `0.30000000000000004` and an ECE of
 * `1e-17` never reach a reader. Computation keeps full precision; this runs where a record is
 * made. A task's own values (its prediction, input, result, meta) are printed as given.
 */

/**
 * Fields whose values are the user's own, copied into figure records: never rounded. `predicted`
 * is a task's own p in the prediction_validation signal (its `error` is a figure).
 */
const AS_GIVEN = new Set(["predicted", "predicted_success_probability", "raw_predicted_success_probability", "agent_predictions", "input", "result", "meta", "console"]);

const DIGITS = 1e4;

/** One figure at 4 decimals, for a value computed where it must already be what is printed (a fit's steps, a health score). */
export function figure(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  const r = Math.round(x * DIGITS) / DIGITS;
  return r === 0 ? 0 : r; // never -0: JSON prints it as 0 but a comparison with Object.is would not
}

const rounded = (key: string, x: number): number => (key.endsWith("_ms") && Number.isFinite(x) ? Math.round(x) || 0 : figure(x));

function walk(key: string, value: unknown): unknown {
  if (AS_GIVEN.has(key)) return value;
  if (typeof value === "number") return rounded(key, value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => walk(key, v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(k, v);
  return out;
}

/** `value` with its figures rounded for people; a new value, the argument is left as it is. */
export const forPeople = <T>(value: T): T => walk("", value) as T;
