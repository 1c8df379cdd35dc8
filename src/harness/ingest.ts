/**
 * Validates the input and stores it as a new run in one pass: tasks stream from the file into
 * an open ingest, and the run becomes visible only if no problem was found — in the tasks, or
 * in the provider credentials they need (SPEC 6: checked before anything runs). On any problem
 * the ingest is rolled back, so bad input changes nothing (SPEC 2.3). The bytes read are hashed
 * on the way and must hash as the prepared source did.
 */
import { BuddyError, type Logger, type Provider } from "../core";
import { formatProblem, InputHash, readTasks, sourceName } from "../input";
import { checkProviderCredentials } from "../providers";
import type { NewRun, Store } from "../store";
import type { PreparedSource } from "./source";

export interface IngestOptions {
  simulate: boolean;
  live: boolean;
  env: Record<string, string | undefined>;
  strict: boolean;
  /** Warnings about the input (an unknown field that looks like a known one) go here. */
  logger: Logger;
}

export async function ingest(store: Store, input: PreparedSource, options: IngestOptions, run: Omit<NewRun, "input" | "input_hash">): Promise<void> {
  const begun = await store.beginRun({ ...run, input: input.source, input_hash: input.hash });
  const problems: string[] = [];
  const usesProviders: { task_id: string; uses: Provider[] }[] = [];
  try {
    // A spooled source is still named as given in problems, and its scripts resolve as for it.
    const { spooled } = input;
    const hash = new InputHash();
    const items = readTasks(input.source, {
      simulate: options.simulate,
      strict: options.strict,
      hash,
      ...(spooled ? { spooled: { chunks: spooled.chunks(), baseDir: spooled.baseDir } } : {}),
    });
    for await (const item of items) {
      if (item.kind === "warning") options.logger.warn(`warning: ${formatProblem(item.problem)}`);
      else if (item.kind === "problem") problems.push(formatProblem(item.problem));
      else if (problems.length === 0) {
        await begun.addTask(item.task);
        if (item.task.uses.length > 0) usesProviders.push({ task_id: item.task.task_id, uses: item.task.uses });
      }
    }
    // The run is stored under input.hash, taken before the store was opened: it must be the
    // hash of the very bytes the tasks came from, or a file that changed in between would make
    // a later `--run-id` check compare against the wrong version.
    if (problems.length === 0 && hash.digest() !== input.hash) {
      throw new BuddyError("INPUT", `input ${sourceName(input.source)} changed while it was being read; nothing was run (run again once it no longer changes)`);
    }
    if (problems.length === 0) problems.push(...checkProviderCredentials(usesProviders, { live: options.live, env: options.env }));
    if (problems.length > 0) throw new BuddyError("INPUT", `${problems.length} problem(s) in ${sourceName(input.source)}; nothing was run`, { details: problems });
    await begun.commit();
  } catch (error) {
    await begun.abort();
    throw error;
  }
}
