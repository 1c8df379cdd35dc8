/** The files a run can leave beside its stdout: the `--out` tree (SPEC 9.2) and JUnit XML for CI. */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { junitXml, writeOutDir } from "../report";
import type { Store } from "../store";
import { loadRunReport } from "./report-data";

export interface Artifacts {
  /** Directory for the original's layout of files (SPEC 9.2). */
  out?: string;
  /** Path of a JUnit XML file, a testcase per task. */
  junit?: string;
}

export async function writeArtifacts(store: Store, run_id: string, artifacts: Artifacts, now: number): Promise<void> {
  if (!artifacts.out && !artifacts.junit) return;
  const report = loadRunReport(store, run_id, now);
  if (artifacts.out) await writeOutDir(artifacts.out, report);
  if (artifacts.junit) {
    await mkdir(dirname(artifacts.junit), { recursive: true });
    await Bun.write(artifacts.junit, junitXml(report));
  }
}
