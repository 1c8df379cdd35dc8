/**
 * Reading guest results without running guest code: a value is read only after `typeof` says
 * it is a string primitive (getString on anything else would call its toString, 3(f)).
 */
import type { DisposableResult, QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";

type ContextResult = DisposableResult<QuickJSHandle, QuickJSHandle>;

/** A guest call's answer: its text, another kind of value, or what it threw (caller disposes). */
export type CallResult =
  | { text: string }
  | { other: "not-a-string" | "too-long" }
  | { thrown: QuickJSHandle };

/** The value of a call into the sandbox's own code, which cannot fail unless the engine is bad. */
export function expectValue(result: ContextResult): QuickJSHandle {
  if (result.error) {
    result.error.dispose();
    throw new Error("the sandbox bootstrap failed");
  }
  return result.value;
}

/** Reads a call's string answer (at most `maxChars` long) and disposes the value. */
export function readText(ctx: QuickJSContext, result: ContextResult, maxChars = Number.POSITIVE_INFINITY): CallResult {
  if (result.error) return { thrown: result.error };
  try {
    return readString(ctx, result.value, maxChars);
  } finally {
    result.value.dispose();
  }
}

/**
 * A guest string primitive's length in UTF-16 units, read without copying the string out.
 * `ctx.getLength` answers only for objects (undefined for a primitive); a primitive's own
 * `length` is not configurable, so reading it runs no task code.
 */
export function stringLength(ctx: QuickJSContext, value: QuickJSHandle): number {
  const length = ctx.getProp(value, "length");
  const n = ctx.typeof(length) === "number" ? ctx.getNumber(length) : 0;
  length.dispose();
  return n;
}

/** A handle's text if it is a string of at most `maxChars` (the caller keeps the handle). */
export function readString(ctx: QuickJSContext, value: QuickJSHandle, maxChars = Number.POSITIVE_INFINITY): Exclude<CallResult, { thrown: QuickJSHandle }> {
  if (ctx.typeof(value) !== "string") return { other: "not-a-string" };
  if (stringLength(ctx, value) > maxChars) return { other: "too-long" };
  return { text: ctx.getString(value) };
}
