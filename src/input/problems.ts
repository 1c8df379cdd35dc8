/**
 * Validation problems (SPEC 2.3) and how schema errors become human-friendly messages.
 * TypeBox's own texts ("Expected union value") do not say what was expected, so each message is
 * built from the sub-schema that failed: its type, bounds and allowed values.
 */
import type { TSchema } from "@sinclair/typebox";
import type { TypeCheck } from "@sinclair/typebox/compiler";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { escapeControls } from "../core";
import { TaskInputChecker } from "./schema";

export interface Problem {
  /** The input file as given, or `<stdin>`. */
  file: string;
  /**
   * 1-based line number; none for a problem of the file as a whole ("contains no tasks", a
   * Phase 20 directory), which is said without a line it would not be about. The "more problems
   * were omitted" notice uses the line where reading stopped.
   */
  line?: number;
  /** Input field name (`retry.jitter`, `uses[1]`), or LINE_FIELD / FILE_FIELD. */
  field: string;
  message: string;
}

/** A problem of one line, before the file and line number are attached. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Field of problems about the line as a whole (not JSON, not an object, too long). */
export const LINE_FIELD = "(line)";
/** Field of problems about the file as a whole (empty, too many problems). */
export const FILE_FIELD = "(file)";

/**
 * `FILE:LINE: field: message`, the format of SPEC 2.3. Field names and messages may carry input
 * text (keys, paths); whatever escaped the quoting of `show` is escaped here, the one place a
 * problem becomes text.
 */
export function formatProblem(p: Problem): string {
  return escapeControls(p.line === undefined ? `${p.file}: ${p.message}` : `${p.file}:${p.line}: ${p.field}: ${p.message}`);
}

/** The user's value as they would write it (JSON, controls escaped), cut to `max` characters. */
export function show(value: unknown, max = 60): string {
  const text = escapeControls(JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** A path built from input text, quoted and escaped like `show` but kept whole up to 200 characters. */
export const showPath = (path: string) => show(path, 200);

/** `/retry/jitter` → `retry.jitter`, `/uses/1` → `uses[1]` (JSON Pointer escapes undone). */
function fieldName(pointer: string): string {
  let name = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    name += /^\d+$/.test(part) ? `[${part}]` : name === "" ? part : `.${part}`;
  }
  return name;
}

function bounds(s: TSchema): string {
  const { minimum: min, maximum: max } = s as { minimum?: number; maximum?: number };
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return "";
}

/** The allowed constants of a union of literals, or undefined for any other schema. */
function literals(s: TSchema): string[] | undefined {
  const options = (s as { anyOf?: { const?: unknown }[] }).anyOf;
  if (!options?.every((o) => typeof o.const === "string")) return undefined;
  return options.map((o) => o.const as string);
}

/** "must be …" for a value that does not fit schema `s`. */
function expected(s: TSchema, value: unknown): string {
  const allowed = literals(s);
  if (allowed) {
    const list = allowed.join(", ");
    return typeof value === "string"
      ? `unknown ${s.title ?? "value"} ${show(value)}; expected one of ${list}`
      : `must be one of ${list}, got ${show(value)}`;
  }
  const got = `, got ${show(value)}`;
  switch (s.type) {
    case "integer":
      return `must be an integer${bounds(s)}${got}`;
    case "number":
      return `must be a number${bounds(s)}${got}`;
    case "string":
      return typeof value === "string" ? "must not be empty" : `must be a string${got}`;
    case "boolean":
      return `must be true or false${got}`;
    case "array":
      return `must be an array${got}`;
    case "object":
      return `must be an object${got}`;
    default:
      return `is not valid${got}`;
  }
}

function message(e: ValueError): string {
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.ObjectAdditionalProperties: {
      // The error's schema is the closed object, so its properties are the allowed keys.
      const keys = Object.keys((e.schema as { properties?: object }).properties ?? {});
      return `is not allowed here; expected one of ${keys.join(", ")}`;
    }
    case ValueErrorType.ArrayUniqueItems:
      return `must not list a value twice, got ${show(e.value)}`;
    default:
      return expected(e.schema, e.value);
  }
}

/**
 * Every schema problem of one parsed line, one per field: TypeBox may report a field several
 * times (a missing property is both "required" and "not a string"); the first says it best.
 * `checker` is the task line schema unless another record shape (Phase 20 rows) is checked.
 */
export function schemaProblems(value: unknown, checker: TypeCheck<TSchema> = TaskInputChecker): FieldProblem[] {
  if (checker.Check(value)) return [];
  const byField = new Map<string, string>();
  for (const e of checker.Errors(value)) {
    const field = fieldName(e.path);
    if (!byField.has(field)) byField.set(field, message(e));
  }
  return [...byField].map(([field, msg]) => ({ field, message: msg }));
}
