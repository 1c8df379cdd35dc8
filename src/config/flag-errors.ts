/**
 * Option errors in buddy's words: `--agents must be an integer between 1 and 10000, got 0`. The
 * expectation is read from the option's own zod schema, so the message and the check can never
 * disagree; commands that check a flag by hand use the same sentence.
 */
import { z } from "zod";
import { BuddyError, escapeControls } from "../core";

/** How a value the user typed is shown back: numbers as typed, anything else quoted. */
function shownValue(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "something that is not a number" : String(value);
  // A value typed in can hold terminal escapes; it is shown back inert.
  if (typeof value === "string") return escapeControls(JSON.stringify(value));
  if (Array.isArray(value)) return `${value.length} values (give it once)`;
  if (value === true) return "no value";
  return JSON.stringify(value) ?? String(value);
}

/** `--flag MESSAGE, got VALUE`: a message that says what the flag must be. */
export const flagMessage = (flag: string, message: string, value: unknown): string => `${flag} ${message}, got ${shownValue(value)}`;

/** `--flag must be EXPECTATION, got VALUE`. */
export const flagProblem = (flag: string, expectation: string, value: unknown): string => flagMessage(flag, `must be ${expectation}`, value);

/** A USAGE error (exit 2) of one flag. */
export const flagError = (flag: string, expectation: string, value: unknown): BuddyError =>
  new BuddyError("USAGE", flagProblem(flag, expectation, value));

/** "an integer between 1 and 10000", "≥ 0", "a number between 0 and 1". */
export function rangeExpectation(integer: boolean, min: number, max: number): string {
  const kind = integer ? "an integer" : "a number";
  const bounded = Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
  if (bounded && Number.isFinite(min)) return `${kind} between ${min} and ${max}`;
  if (Number.isFinite(min)) return `${kind} ≥ ${min}`;
  return bounded ? `${kind} ≤ ${max}` : kind;
}

/** The schema under .default() and .optional(). */
function bare(schema: z.ZodType): z.ZodType {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner;
}

/** What a field of an options schema accepts, in words; undefined when its messages say it. */
export function expectationOf(schema: z.ZodType): string | undefined {
  const field = bare(schema);
  if (field instanceof z.ZodNumber) return rangeExpectation(field.isInt, field.minValue ?? -Infinity, field.maxValue ?? Infinity);
  if (field instanceof z.ZodEnum) return `one of ${field.options.join(", ")}`;
  if (field instanceof z.ZodBoolean) return "true or false";
  return undefined;
}

/** A flag's name from a schema key: `max_retries` → `--max-retries`. */
export const flagName = (key: PropertyKey): string => `--${String(key).replaceAll("_", "-")}`;
