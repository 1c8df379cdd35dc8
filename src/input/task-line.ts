/**
 * One line of text → a Task or the problems that stop it from being one. The only state kept
 * across lines is where each task_id was first seen, so memory grows with the number of ids,
 * never with the size of the file.
 */
import type { Task } from "../core";
import { parseStrictJson } from "./json";
import { toTask } from "./normalize";
import { type FieldProblem, LINE_FIELD, schemaProblems, show } from "./problems";
import { crossFieldProblems } from "./rules";
import type { TaskInput } from "./schema";
import { readScript } from "./script";
import { unknownFieldFindings } from "./unknown-fields";

type Outcome = Task | FieldProblem[];

export interface IngestOptions {
  /** Accept tasks without code or script. */
  simulate: boolean;
  /** Directory `script` paths are relative to. */
  baseDir: string;
  /** Unknown fields are problems, not kept in meta. @default false */
  strict?: boolean;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** Parses one line into an object, or the problems that stop it from being one (json.ts rules). */
export function parseObject(text: string): Record<string, unknown> | FieldProblem[] {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return parsed.problems;
  const { value } = parsed;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return [{ field: LINE_FIELD, message: `must be a JSON object, got ${describe(value)}` }];
}

/**
 * Ingests one line. It returns a Promise only when a script file must be read: an await per
 * line would cost more than the parse itself.
 */
export type LineIngester = (text: string, line: number, warnings: FieldProblem[]) => Outcome | Promise<Outcome>;

/** A LineIngester for the lines of one input, in order. Valid tasks get `seq` 0, 1, 2, … */
export function lineIngester(options: IngestOptions): LineIngester {
  const firstLineOf = new Map<string, number>();
  let seq = 0;

  const finish = (object: Record<string, unknown>, found: FieldProblem[], code: unknown, scriptFile?: string): Outcome =>
    found.length > 0 ? found : toTask(object as TaskInput, seq++, code as string | undefined, scriptFile);

  return (text, line, warnings) => {
    const object = parseObject(text);
    if (Array.isArray(object)) return object;
    const unknown = unknownFieldFindings(object, options.strict ?? false);
    warnings.push(...unknown.warnings);
    const found = [...schemaProblems(object), ...crossFieldProblems(object, options.simulate), ...unknown.problems];
    const id = object.task_id;
    if (typeof id === "string" && id !== "") {
      // Every well-formed id counts as used, even on a line with other problems: ids must be
      // unique in the file, and the user fixes the file, not the first valid line.
      const first = firstLineOf.get(id);
      if (first === undefined) firstLineOf.set(id, line);
      else found.push({ field: "task_id", message: `${show(id)} is already used on line ${first}` });
    }
    const { code, script } = object;
    if (typeof script !== "string" || script === "" || code !== undefined) {
      return finish(object, found, code);
    }
    return readScript(script, options.baseDir).then((read) => {
      if (!read.ok) found.push({ field: "script", message: read.message });
      return read.ok ? finish(object, found, read.code, read.file) : finish(object, found, undefined);
    });
  };
}
