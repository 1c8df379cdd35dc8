/**
 * Where a task file that buddy writes (`buddy export`, `buddy calibrate --apply`) names a script:
 * relative to the directory the written file's scripts will be read from, since ingest accepts
 * only relative paths that stay inside it (SPEC 5). An absolute path would not validate.
 */
import { relative, sep } from "node:path";
import { BuddyError } from "../core";

/**
 * `file` (absolute, as ingest read it) as a `script` path that resolves from `dir` (a real path),
 * or a usage error naming the task when the script lies outside `dir`; `remedy` says what to do.
 */
export function scriptPathIn(dir: string, file: string, task_id: string, remedy: string): string {
  const path = relative(dir, file);
  if (path === "" || path === ".." || path.startsWith(`..${sep}`)) {
    throw new BuddyError("USAGE", `task ${task_id}'s script ${file} is outside ${dir}, where the written file's scripts must be (SPEC 5): ${remedy}`);
  }
  return path;
}
