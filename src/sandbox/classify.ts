/**
 * Maps what the guest said about a thrown value to an attempt error code (SPEC 4.4, 5). The
 * description is produced inside the guest from the value's own data properties only; here it is
 * plain data that is type-checked again, because task code can throw anything.
 */
import { ERROR_TEXT_LIMIT } from "./limits";
import { unmark } from "./quickjs/overflow-mark";
import { capUtf8 } from "./text";
import type { SandboxFailure } from "./types";

/** A thrown value as described by the guest (see guest/bootstrap.ts `describe`). */
export interface ThrownDescription {
  /** `typeof` of a thrown primitive; absent for objects. */
  primitive?: string;
  name?: string;
  message?: string;
  code?: string;
  retryable?: boolean;
  status?: number;
  retry_after?: number | string;
  /** Source line of a SyntaxError. */
  lineNumber?: number;
  /** The engine's stack text (or whatever the task put there): read only through sandbox/frames.ts. */
  stack?: string;
  /** Some of the fields were accessors (never run) or unreadable (a revoked proxy). */
  accessor?: boolean;
  /** A text field was longer than the cap and was cut. */
  huge?: boolean;
  /**
   * The value is an error object the attempt's `providers` delivered (guest/providers.ts):
   * the only way to a PROVIDER_ERROR. A look-alike the task built is its own TASK_ERROR.
   */
  delivered?: boolean;
  /**
   * Set by the host only (never parsed from the guest): the message is the engine's overflow
   * mark of this attempt (quickjs/overflow-mark.ts), so the engine's stack check fired.
   */
  engineOverflow?: boolean;
}

/** Longest provider back-off honoured (SPEC 4.4 caps delays anyway). */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Parses the guest's JSON description, keeping only fields of the expected type. */
export function parseDescription(text: string): ThrownDescription {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof raw !== "object" || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const d: ThrownDescription = {};
  for (const key of ["primitive", "name", "message", "code", "stack"] as const) {
    const v = r[key];
    if (typeof v === "string") d[key] = v.slice(0, ERROR_TEXT_LIMIT);
  }
  if (typeof r.retryable === "boolean") d.retryable = r.retryable;
  if (typeof r.status === "number") d.status = r.status;
  if (typeof r.retry_after === "number" || typeof r.retry_after === "string") {
    d.retry_after = r.retry_after;
  }
  if (typeof r.lineNumber === "number") d.lineNumber = r.lineNumber;
  if (r.accessor === true) d.accessor = true;
  if (r.huge === true) d.huge = true;
  if (r.delivered === true) d.delivered = true;
  return d;
}

/**
 * The description as the user sees it: the attempt's overflow token read back as the engine's
 * real message, and `engineOverflow` when the message is exactly the token. Memory is never
 * judged by text either: see blameMemory in quickjs/attempt.ts.
 */
export function readOverflowMark(d: ThrownDescription, token: string): ThrownDescription {
  const read: ThrownDescription = { ...d };
  if (d.primitive === undefined && d.message === token) read.engineOverflow = true;
  for (const key of ["name", "message", "code"] as const) {
    const v = d[key];
    if (v !== undefined) read[key] = unmark(v, token);
  }
  return read;
}

/** "Name: message", capped at 1 KiB, with a note when fields were hidden behind accessors. */
export function describeThrown(d: ThrownDescription): string {
  let text: string;
  if (d.primitive !== undefined) text = d.message ?? `a thrown ${d.primitive}`;
  else if (d.name && d.message) text = `${d.name}: ${d.message}`;
  else text = d.message || d.name || "a thrown object without a message";
  if (d.accessor) text += " (the thrown value has accessor or unreadable properties)";
  if (d.huge) text += " (truncated)";
  return cap(text);
}

/** The engine's own stack overflow (see `readOverflowMark`); no text decides it. */
export const isStackError = (d: ThrownDescription): boolean => d.engineOverflow === true;

/** The failure for a value that task code threw (or the engine threw into it) while running. */
export function failureFromThrown(d: ThrownDescription): SandboxFailure {
  const message = describeThrown(d);
  if (isStackError(d)) return { code: "STACK_OVERFLOW", message };
  // A provider's real rejection (SPEC 6), never a thrown object that only says so: its status
  // and retry_after steer retries, which no task may choose for itself.
  if (d.delivered === true && d.code === "PROVIDER_ERROR") return providerFailure(d, message);
  const failure: SandboxFailure = { code: "TASK_ERROR", message };
  if (d.retryable === false) failure.thrownRetryable = false;
  return failure;
}

/**
 * The failure for an error out of evaluating the task's source. That is a compile error, except
 * when the engine stopped the synchronous start of the task (stack, memory), which is classified
 * like any thrown value.
 */
export function failureFromCompileError(d: ThrownDescription): SandboxFailure {
  if (d.name === "SyntaxError" && !isStackError(d)) {
    return { code: "SYNTAX_ERROR", message: describeThrown(d) };
  }
  return failureFromThrown(d);
}

function providerFailure(d: ThrownDescription, message: string): SandboxFailure {
  const failure: SandboxFailure = { code: "PROVIDER_ERROR", message };
  if (d.status !== undefined && Number.isInteger(d.status) && d.status >= 0 && d.status < 1000) {
    failure.status = d.status;
  }
  const seconds = typeof d.retry_after === "string" ? Number(d.retry_after) : d.retry_after;
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) {
    failure.retry_after_ms = Math.min(MAX_RETRY_AFTER_MS, Math.round(seconds * 1000));
  }
  return failure;
}

/** Text capped at 1 KiB of UTF-8, marked with an ellipsis when cut. */
export function cap(text: string, limit = ERROR_TEXT_LIMIT): string {
  const cut = capUtf8(text, limit);
  return cut === text ? text : `${capUtf8(cut, limit - 3)}…`;
}
