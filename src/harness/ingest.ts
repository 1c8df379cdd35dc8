/**
 * Validates the input and stores it as a new run in one pass: tasks stream from the file into
 * an open ingest, and the run becomes visible only if no problem was found. On any problem the
 * ingest is rolled back, so bad input changes nothing (SPEC 2.3).
 */
import { BuddyError } from "../core";
import { formatProblem, readTasks } from "../input";
import type { NewRun, Store } from "../store";
import type { PreparedSource } from "./source";

export async function ingest(store: Store, input: PreparedSource, simulate: boolean, run: Omit<NewRun, "input" | "input_hash">): Promise<void> {
  const begun = store.beginRun({ ...run, input: input.source, input_hash: input.hash });
  const problems: string[] = [];
  try {
    // Spooled stdin is still read as stdin: problems name it that, and scripts resolve from the cwd.
    const items = input.isStdin
      ? readTasks("-", { simulate, stdin: Bun.file(input.path).stream(), stdinBaseDir: process.cwd() })
      : readTasks(input.path, { simulate });
    for await (const item of items) {
      if (item.kind === "problem") problems.push(formatProblem(item.problem));
      else if (problems.length === 0) begun.addTask(item.task);
    }
    if (problems.length > 0) throw new BuddyError("INPUT", `${problems.length} problem(s) in ${input.source}; nothing was run`, { details: problems });
    begun.commit();
  } catch (error) {
    begun.abort();
    throw error;
  }
}
