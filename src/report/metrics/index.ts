/**
 * `buddy metrics` (SPEC 1): a run in the OpenMetrics text format (which node_exporter's textfile
 * collector and promtool read too), and the textfile itself.
 */
import { join } from "node:path";
import { replaceFile } from "../outdir/nofollow";
import type { RunReport } from "../types";
import { exposition } from "./exposition";
import { runFamilies } from "./families";

export const metricsText = (r: RunReport): string => exposition(runFamilies(r));

/** `buddy_<run>.prom`: node_exporter reads every `*.prom` file of its directory, one per run here. */
const textfileName = (run_id: string) => `buddy_${run_id}.prom`;

/**
 * Writes the run's metrics to `dir`/buddy_<run>.prom, whole or not at all: a new file beside it
 * (whose name does not end in .prom, so the collector never reads it half-written) renamed over
 * it, never following a symlink.
 */
export function writeTextfile(dir: string, r: RunReport): void {
  // Run ids are letters, digits, '.', '_' and '-' (--run-id); one read from a store written some
  // other way must still not name a file outside `dir`.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(r.run.run_id)) throw new Error(`run id ${JSON.stringify(r.run.run_id)} cannot name a file`);
  replaceFile(join(dir, textfileName(r.run.run_id)), metricsText(r));
}
