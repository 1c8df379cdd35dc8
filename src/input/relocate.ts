/**
 * The task lines of a JSONL source as written, for a command that prints the file back changed
 * (`buddy calibrate --apply`): every field kept as it is (the alias, defaults left out, unknown
 * fields) but `script`, which names the same file again from where the new file will be read.
 */
import { resolve } from "node:path";
import { BuddyError } from "../core";
import { splitLines } from "./lines";
import { openSource, type SourceOptions } from "./source";
import { scriptPathIn } from "./script-place";
import { parseObject } from "./task-line";

export interface RelocateOptions extends SourceOptions {
  /** The real directory the written file's scripts will be read from. */
  dir: string;
  /** What to tell a user whose script lies outside `dir`. */
  remedy: string;
}

/**
 * Yields each task line of `source` as an object. The source must have been validated (every
 * line is a task): a line that no longer parses means the file changed since, an input error.
 */
export async function* relocatedLines(source: string, options: RelocateOptions): AsyncGenerator<Record<string, unknown>> {
  const { file, baseDir, chunks } = await openSource(source, options);
  for await (const batch of splitLines(chunks)) {
    for (const raw of batch) {
      if ("text" in raw && raw.text.trim() === "") continue;
      const line = "text" in raw ? parseObject(raw.text) : undefined;
      if (line === undefined || Array.isArray(line)) throw new BuddyError("INPUT", `${file}:${raw.line}: the file changed after it was validated; nothing should be written from it`);
      // Resolved as ingest resolves it (readScript), then named from `dir`.
      if (typeof line.script === "string") line.script = scriptPathIn(options.dir, resolve(baseDir, line.script), String(line.task_id), options.remedy);
      yield line;
    }
  }
}
