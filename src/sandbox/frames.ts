/**
 * Where a task failed, in its own terms (SPEC 3): the frames of a guest stack that lie in the
 * task's own code, with the lines and columns of that code. The engine runs the code inside a
 * wrapper (guest/wrapper.ts) whose head shares the code's first line, and calls it from frames
 * of the sandbox's own guest code (the bootstrap, the providers, the helpers): those frames, and
 * the wrapper's lines, are never shown. The stack is the thrown value's own data, which task
 * code can set to anything, so only lines of the engine's exact frame shape are kept, and only
 * those naming the task's file at a line inside its code.
 */
import { BOOTSTRAP_FILENAME, RANDOM_FILENAME } from "./guest/bootstrap";
import { HELPERS_FILENAME } from "./guest/helpers";
import { PROVIDERS_FILENAME } from "./guest/providers";
import { SERIALISER_FILENAME } from "./guest/serialise";
import { TASK_FILENAME } from "./guest/wrapper";
import type { ErrorLocation } from "./types";

/** The sandbox's own guest files: a task named like one would pass their frames off as its own. */
const OWN_FILES = new Set([BOOTSTRAP_FILENAME, HELPERS_FILENAME, PROVIDERS_FILENAME, SERIALISER_FILENAME, RANDOM_FILENAME]);

/**
 * The file name the task's code is evaluated under: a script's own name, when it is a plain name
 * (no control character, at most 128 characters, none of the sandbox's own), else `task.js`.
 */
export function taskFilename(requested: string | undefined): string {
  if (requested === undefined || requested.length === 0 || requested.length > 128) return TASK_FILENAME;
  if (/[\u0000-\u001f\u007f/]/.test(requested) || OWN_FILES.has(requested)) return TASK_FILENAME;
  return requested;
}

/** What is known of the evaluated source: its file name, the wrapper head's length and the code's line count. */
export interface TaskSource {
  file: string;
  headLength: number;
  lines: number;
}

/** Frames kept, at most: a deep recursion gives thousands of the same line. */
const MAX_FRAMES = 16;

/** `    at NAME (FILE:LINE:COLUMN)` or `    at FILE:LINE:COLUMN`, as QuickJS writes them. */
const FRAME = /^ {4}at (?:(.*) \((.*):(\d+):(\d+)\)|(.*):(\d+):(\d+))$/;

export interface TaskFrames {
  location?: ErrorLocation;
  stack?: string;
}

export function taskFrames(stack: string | undefined, source: TaskSource): TaskFrames {
  if (stack === undefined) return {};
  const kept: { name?: string; at: ErrorLocation }[] = [];
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const [name, file, l, c] = m[2] !== undefined ? [m[1], m[2], m[3], m[4]] : [undefined, m[5], m[6], m[7]];
    const at = place(source, file!, Number(l), Number(c));
    if (at === undefined) continue;
    kept.push({ name, at });
    if (kept.length === MAX_FRAMES) break;
  }
  if (kept.length === 0) return {};
  const frames = kept.map(({ name, at }) => {
    const where = `${at.file}:${at.line}:${at.column}`;
    return name === undefined ? `    at ${where}` : `    at ${name} (${where})`;
  });
  return { location: kept[0]!.at, stack: frames.join("\n") };
}

/** The place in the task's own code, or undefined for a frame outside it. */
function place(source: TaskSource, file: string, line: number, column: number): ErrorLocation | undefined {
  if (file !== source.file || line < 1 || line > source.lines || column < 1) return undefined;
  if (line > 1) return { file, line, column };
  const own = column - source.headLength;
  return own >= 1 ? { file, line, column: own } : undefined;
}
