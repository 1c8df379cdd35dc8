/**
 * Validates the input and stores it as a new run in one pass: tasks stream from the file into
 * an open ingest, and the run becomes visible only if no problem was found. On any problem the
 * ingest is rolled back, so bad input changes nothing (SPEC 2.3).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuddyError } from "../core";
import { formatProblem, readTasks } from "../input";
import type { NewRun, Store } from "../store";

export interface IngestSource {
  /** A file path, or "-" for stdin. */
  source: string;
  stdin?: ReadableStream<Uint8Array>;
  simulate: boolean;
}

export interface Ingested {
  tasks: number;
  waves: number;
}

/** sha256 of the input bytes: `--run-id` reuse checks that a run gets the same input. */
async function hashOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of stream) hasher.update(chunk);
  return hasher.digest("hex");
}

/**
 * Stdin can be read only once, but the hash must be known when the run row is written and the
 * tasks must stream: spool it to a private temporary file first and stream it from there.
 */
async function spool(stdin: ReadableStream<Uint8Array>): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "buddy-stdin-"));
  const path = join(dir, "stdin.jsonl");
  const writer = Bun.file(path).writer();
  for await (const chunk of stdin) writer.write(chunk);
  await writer.end();
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export async function ingest(store: Store, from: IngestSource, run: Omit<NewRun, "input" | "input_hash">): Promise<Ingested> {
  const spooled = from.source === "-" ? await spool(from.stdin ?? Bun.stdin.stream()) : undefined;
  const path = spooled?.path ?? from.source;
  try {
    const file = Bun.file(path);
    if (!(await file.exists())) throw new BuddyError("INPUT", `${from.source}: no such file`);
    const begun = store.beginRun({ ...run, input: from.source, input_hash: await hashOf(file.stream()) });
    const problems: string[] = [];
    const waves = new Set<number>();
    let tasks = 0;
    try {
      // Spooled stdin is still read as stdin: problems name it that, and scripts resolve from the cwd.
      const read = spooled
        ? readTasks("-", { simulate: from.simulate, stdin: file.stream(), stdinBaseDir: process.cwd() })
        : readTasks(path, { simulate: from.simulate });
      for await (const item of read) {
        if (item.kind === "problem") {
          problems.push(formatProblem(item.problem));
        } else if (problems.length === 0) {
          begun.addTask(item.task);
          waves.add(item.task.wave);
          tasks++;
        }
      }
      if (problems.length > 0) throw new BuddyError("INPUT", `${problems.length} problem(s) in ${from.source}`, { details: problems });
      begun.commit();
    } catch (error) {
      begun.abort();
      throw error;
    }
    return { tasks, waves: waves.size };
  } finally {
    await spooled?.dispose();
  }
}
