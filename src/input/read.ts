/**
 * readTasks: the streaming ingest of SPEC 2.1–2.3. Lines are read, checked and yielded one at a
 * time, and the problem cap is applied here, where the items leave the component, the same for
 * JSONL files and Phase 20 directories.
 */
import { stat } from "node:fs/promises";
import type { InputItem, ReadOptions } from "./item";
import { lineIngester } from "./task-line";
import { splitLines } from "./lines";
import { FILE_FIELD, type FieldProblem, LINE_FIELD } from "./problems";
import { openSource } from "./source";
import { readPhase20Tree } from "./phase20/read";

/** SPEC 2.3: "all problems, up to 50". */
const MAX_PROBLEMS = 50;

const lineProblem = (message: string): FieldProblem => ({ field: LINE_FIELD, message });

/**
 * Yields every valid task and every problem of `source` (a JSONL path, `-` for stdin, or a
 * Phase 20 output directory, SPEC 2.2), in input order, stopping after `maxProblems` problems.
 * Throws BuddyError("INPUT") when the source itself cannot be opened or read.
 */
export async function* readTasks(source: string, options: ReadOptions = {}): AsyncGenerator<InputItem> {
  const items = !options.spooled && (await isDirectory(source)) ? readPhase20Tree(source, options) : readJsonl(source, options);
  yield* capProblems(items, options.maxProblems ?? MAX_PROBLEMS);
}

const isDirectory = (source: string) =>
  source === "-" ? Promise.resolve(false) : stat(source).then((s) => s.isDirectory(), () => false);

/**
 * Passes items through until `max` problems have passed; the next problem becomes the
 * "omitted" notice (at its file and line) and reading stops, which closes the source.
 */
async function* capProblems(items: AsyncGenerator<InputItem>, max: number): AsyncGenerator<InputItem> {
  let count = 0;
  for await (const item of items) {
    if (item.kind === "problem") {
      if (count === max) {
        const { file, line } = item.problem;
        const message = `more problems were omitted; reading stopped after ${max}`;
        yield { kind: "problem", problem: { file, line, field: FILE_FIELD, message } };
        return;
      }
      count += 1;
    }
    yield item;
  }
}

/** The tasks and problems of one JSONL source, uncapped. */
async function* readJsonl(source: string, options: ReadOptions): AsyncGenerator<InputItem> {
  const { file, baseDir, chunks } = await openSource(source, options);
  const ingest = lineIngester({ simulate: options.simulate ?? false, baseDir, strict: options.strict ?? false });
  let sawContent = false;
  const report = (line: number | undefined, found: readonly FieldProblem[]): InputItem[] =>
    found.map(({ field, message }) => ({ kind: "problem", problem: line === undefined ? { file, field, message } : { file, line, field, message } }));

  for await (const batch of splitLines(chunks)) {
    options.signal?.throwIfAborted();
    for (const raw of batch) {
      if ("stop" in raw) {
        yield* report(raw.line, [{ field: FILE_FIELD, message: raw.stop }]);
        return;
      }
      if ("text" in raw && raw.text.trim() === "") continue; // blank lines (a lone BOM or CR too)
      sawContent = true;
      const warnings: FieldProblem[] = [];
      const pending = "text" in raw ? ingest(raw.text, raw.line, warnings) : [lineProblem(raw.problem)];
      const outcome = pending instanceof Promise ? await pending : pending;
      for (const { field, message } of warnings) yield { kind: "warning", problem: { file, line: raw.line, field, message } };
      const unrunnable = Array.isArray(outcome) ? undefined : options.checkCode?.(outcome);
      if (Array.isArray(outcome)) yield* report(raw.line, outcome);
      else if (unrunnable !== undefined) yield* report(raw.line, [unrunnable]);
      else yield { kind: "task", task: outcome, line: raw.line };
    }
  }
  if (!sawContent) yield* report(undefined, [{ field: FILE_FIELD, message: "contains no tasks" }]);
}
