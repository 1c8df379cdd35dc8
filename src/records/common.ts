/**
 * What every output record shares: how times, probabilities, counts and errors are written on
 * the wire (SPEC 3). Field names on the wire are snake_case, as in the spec; code-only names are
 * camelCase.
 */
import { FormatRegistry, Type, type Static, type TSchema } from "@sinclair/typebox";
import { ATTEMPT_ERROR_CODES, type AttemptError } from "../core";

// TypeBox knows no formats by itself; register the one the records use so that checking a
// record against its schema (tests, consumers using TypeBox) checks timestamps too.
if (!FormatRegistry.Has("date-time")) {
  FormatRegistry.Set("date-time", (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)));
}

export const Timestamp = Type.String({ format: "date-time" });
export const Probability = Type.Number({ minimum: 0, maximum: 1 });
export const Count = Type.Integer({ minimum: 0 });
/** `schema`, or null where a value does not exist yet (a run not ended, a rate of nothing). */
export const orNull = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });
/** Durations are whole milliseconds (SPEC 3). */
export const Milliseconds = Type.Integer({ minimum: 0 });

export const ErrorSchema = Type.Object(
  {
    code: Type.Union(ATTEMPT_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    retryable: Type.Boolean(),
    violation_type: Type.Optional(Type.String()),
    status: Type.Optional(Type.Integer()),
    location: Type.Optional(
      Type.Object(
        { file: Type.String(), line: Type.Integer({ minimum: 1 }), column: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false, description: "where in the task's own code: task.js (lines of `code`) or the script's file name" },
      ),
    ),
    stack: Type.Optional(Type.String({ description: "the task's own frames, innermost first; never a host or wrapper frame" })),
  },
  { additionalProperties: false },
);
export type ErrorRecord = Static<typeof ErrorSchema>;

/** An attempt's error as records print it (SPEC 3): the retry wait stays internal. */
export function errorRecord(error: AttemptError): ErrorRecord {
  const { code, message, retryable, violation_type, status, location, stack } = error;
  return {
    code,
    message,
    retryable,
    ...(violation_type === undefined ? {} : { violation_type }),
    ...(status === undefined ? {} : { status }),
    ...(location === undefined ? {} : { location }),
    ...(stack === undefined ? {} : { stack }),
  };
}
