/**
 * `buddy metrics RUN [--textfile DIR] [--format openmetrics|prometheus]` (SPEC 1): the run's
 * metrics as text on stdout, or written to DIR/buddy_<run>.prom for node_exporter's textfile
 * collector. With --textfile nothing goes to stdout: from cron, any output is mailed.
 */
import { BuddyError, EXIT } from "../../core";
import { checkWritableDirectory, loadRunReport } from "../../harness";
import { metricsText, writeTextfile, type MetricsFormat, type RunReport } from "../../report";
import { openReadOnlyDb, runIdOf, type GlobalArgs } from "../context";
import { printLine } from "../io";

export interface MetricsArgs extends GlobalArgs {
  run_id: string;
  textfile?: string;
  format?: MetricsFormat;
}

/**
 * OpenMetrics on stdout, as SPEC 1 says; the Prometheus text format in a textfile, the only one
 * node_exporter reads (it would take an OpenMetrics counter for an untyped series).
 */
const formatOf = (args: MetricsArgs): MetricsFormat => args.format ?? (args.textfile === undefined ? "openmetrics" : "prometheus");

export async function metricsCommand(args: MetricsArgs): Promise<number> {
  const format = formatOf(args);
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
    printLine(metricsText(report, format).trimEnd());
    return EXIT.OK;
  }
  try {
    writeTextfile(dir, report, format);
  } catch (error) {
    // The directory passed the check, yet can still refuse the file: a full disk, a symlink planted in the way.
    throw new BuddyError("USAGE", `--textfile ${dir}: the metrics could not be written: ${(error as Error).message}`, { cause: error });
  }
  return EXIT.OK;
}
