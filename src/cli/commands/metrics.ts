/**
 * `buddy metrics RUN [--textfile DIR]` (SPEC 1): the run's
 * metrics as text on stdout, or written to DIR/buddy_<run>.prom for node_exporter's textfile
 * collector. With --textfile nothing goes to stdout: from cron, any output is mailed.
 */
import { BuddyError, EXIT } from "../../core";
import { checkWritableDirectory, loadRunReport } from "../../harness";
import { metricsText, writeTextfile, type RunReport } from "../../report";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printLine } from "../io";

export interface MetricsArgs extends GlobalArgs {
  run_id: string;
  textfile?: string;
}

export async function metricsCommand(args: MetricsArgs): Promise<number> {
  const dir = args.textfile;
  // Checked before the store opens: a wrong directory is the user's to fix (exit 2), whatever the run.
  if (dir !== undefined) await checkWritableDirectory("--textfile", dir);
  const store = await openReadOnlyDb(args);
  let report: RunReport;
  try {
    report = await loadRunReport(store, await runIdOf(store, args.run_id), Date.now());
  } finally {
    await store.close();
  }
  if (dir === undefined) {
    printLine(metricsText(report).trimEnd());
    return EXIT.OK;
  }
  try {
    writeTextfile(dir, report);
  } catch (error) {
    // The directory passed the check, yet can still refuse the file: a full disk, a symlink planted in the way.
    throw new BuddyError("USAGE", `--textfile ${dir}: the metrics could not be written: ${(error as Error).message}`, { cause: error });
  }
  return EXIT.OK;
}
