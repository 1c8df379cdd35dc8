/**
 * `buddy export RUN [--status S,…] [--output FILE]` (SPEC 1): the run's tasks as an input file,
 * in wave then input order, so `buddy export latest --status failed | buddy run -` re-runs the
 * failures. `script` paths are written relative to where the file's scripts will be read from:
 * the working directory for stdout (where `buddy run -` reads them), FILE's directory with
 * --output. FILE is written whole or not at all.
 */
import { resolve } from "node:path";
import { BuddyError, EXIT, isFinished } from "../../core";
import { exportLine } from "../../input/export-line";
import { checkNotStore } from "../../harness";
import { storeFiles, type StoredTask } from "../../store";
import { openReadOnlyDb, runIdOf, storeLocation, type GlobalArgs } from "../context";
import { printLine, warn } from "../io";
import { scriptDir, writeWhole } from "../output-file";

/** What --status takes: a final status, or `pending` for a task not finished (never run, or cut off). */
export const EXPORT_STATUSES = ["succeeded", "failed", "rejected", "pending"] as const;
type ExportStatus = (typeof EXPORT_STATUSES)[number];

const statusOf = (t: StoredTask): ExportStatus => (isFinished(t) ? t.status : "pending");

/** `--status a,b`: each a known status, or a usage error naming the valid ones. */
function statuses(text: string | undefined): Set<ExportStatus> {
  if (text === undefined) return new Set(EXPORT_STATUSES);
  const given = text.split(",").map((s) => s.trim());
  const bad = given.filter((s) => !(EXPORT_STATUSES as readonly string[]).includes(s));
  if (bad.length > 0 || given.length === 0) {
    throw new BuddyError("USAGE", `--status takes a comma-separated list of ${EXPORT_STATUSES.join(", ")}; got ${JSON.stringify(text)}`);
  }
  return new Set(given as ExportStatus[]);
}

export async function exportCommand(args: GlobalArgs & { run_id: string; status?: string; output?: string }): Promise<number> {
  const wanted = statuses(args.status);
  if (args.output !== undefined) await checkNotStore("--output", args.output, storeFiles(storeLocation(args)));
  const dir = scriptDir(args.output);
  const inlined: string[] = [];
  const place = { dir, onInlined: (id: string) => inlined.push(id) };
  const lines: string[] = [];
  const store = await openReadOnlyDb(args);
  try {
    const run_id = await runIdOf(store, args.run_id);
    const each = async (fn: (t: StoredTask) => void) => {
      for (const wave of await store.waves(run_id)) for (const t of await store.tasksOfWave(run_id, wave)) if (wanted.has(statusOf(t))) fn(t);
    };
    // Every script is placed before the first line goes out: a file refused is refused whole,
    // without holding a large run's lines in memory.
    await each((t) => t.task.script_file !== undefined && exportLine(t.task, place));
    await each((t) => {
      const line = JSON.stringify(exportLine(t.task, place));
      if (args.output === undefined) printLine(line);
      else lines.push(line);
    });
    if (inlined.length > 0) {
      warn(`run ${run_id} was stored before buddy kept where scripts were read from: the code of ${inlined.length} script task(s) (${inlined.slice(0, 3).join(", ")}${inlined.length > 3 ? ", …" : ""}) is exported inline`);
    }
  } finally {
    await store.close();
  }
  if (args.output !== undefined) writeWhole(resolve(args.output), lines);
  return EXIT.OK;
}
