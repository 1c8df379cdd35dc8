/**
 * readTasks: the streaming ingest of SPEC 2.1–2.3. Lines are read, checked and yielded one at a
 * time, and the problem cap is applied here, where the items leave the component.
 */
import type { Task } from "../core";
import { lineIngester } from "./ingest";
import { splitLines } from "./lines";
import { FILE_FIELD, type FieldProblem, LINE_FIELD, type Problem } from "./problems";
import { openSource, type SourceOptions } from "./source";

export type InputItem =
  | { kind: "task"; task: Task; line: number }
  | { kind: "problem"; problem: Problem };

export interface ReadOptions extends SourceOptions {
  /** Accept tasks with neither `code` nor `script` (they are simulated, SPEC 4.5). @default false */
  simulate?: boolean;
  /**
   * Problems reported before reading stops. One more problem (field FILE_FIELD) then says that
   * the rest were omitted, so a caller can tell a cut-off list from a complete one. @default 50
   */
  maxProblems?: number;
  /** Stops reading (the generator throws the signal's reason) when it aborts. @default none */
  signal?: AbortSignal;
}

/** SPEC 2.3: "all problems, up to 50". */
export const MAX_PROBLEMS = 50;

const lineProblem = (message: string): FieldProblem => ({ field: LINE_FIELD, message });

/**
 * Yields every valid task and every problem of `source` (a path, or `-` for stdin), in input
 * order. Throws BuddyError("INPUT") when the source itself cannot be opened or read.
 */
export async function* readTasks(source: string, options: ReadOptions = {}): AsyncGenerator<InputItem> {
  const { file, baseDir, chunks } = await openSource(source, options);
  const maxProblems = options.maxProblems ?? MAX_PROBLEMS;
  const ingest = lineIngester({ simulate: options.simulate ?? false, baseDir });
  let problemCount = 0;
  let sawContent = false;
  let stopped = false;

  /** Items for the problems of one line, ending with the "omitted" notice when over the cap. */
  const report = (line: number, found: FieldProblem[]): InputItem[] => {
    const items: InputItem[] = [];
    for (const { field, message } of found) {
      if (problemCount === maxProblems) {
        const notice = `more problems were omitted; reading stopped after ${maxProblems}`;
        items.push({ kind: "problem", problem: { file, line, field: FILE_FIELD, message: notice } });
        stopped = true;
        break;
      }
      problemCount += 1;
      items.push({ kind: "problem", problem: { file, line, field, message } });
    }
    return items;
  };

  for await (const batch of splitLines(chunks)) {
    options.signal?.throwIfAborted();
    for (const raw of batch) {
      if ("text" in raw && raw.text.trim() === "") continue; // blank lines (a lone BOM or CR too)
      sawContent = true;
      const pending = "text" in raw ? ingest(raw.text, raw.line) : [lineProblem(raw.problem)];
      const outcome = pending instanceof Promise ? await pending : pending;
      if (!Array.isArray(outcome)) {
        yield { kind: "task", task: outcome, line: raw.line };
        continue;
      }
      yield* report(raw.line, outcome);
      if (stopped) return; // leaving the loop closes the file
    }
  }
  if (!sawContent) yield* report(1, [{ field: FILE_FIELD, message: "contains no tasks" }]);
}
