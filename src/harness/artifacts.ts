/**
 * The files a run can leave beside its stdout: the `--out` tree (SPEC 9.2) and JUnit XML for CI.
 * Their paths are checked before anything runs (checkArtifacts), so a typo costs nothing: a run
 * that ends with nowhere to write its files would have to be resumed just to get them.
 */
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { BuddyError } from "../core";
import { junitXml, OUT_SUMMARY_FILE, writeOutDir } from "../report";
import type { Store } from "../store";
import { loadRunReport } from "./report-data";

export interface Artifacts {
  /** Directory for the original's layout of files (SPEC 9.2). */
  out?: string;
  /** Path of a JUnit XML file, a testcase per task. */
  junit?: string;
  /** `--force`: write into an `--out` directory that holds other files (buddy's own are replaced). */
  force?: boolean;
}

const usage = (flag: string, path: string, why: string) => new BuddyError("USAGE", `${flag} ${path}: ${why}`);

const writable = (path: string) => access(path, constants.W_OK | constants.X_OK).then(() => true, () => false);
const statOf = (path: string) => stat(path).catch((error: NodeJS.ErrnoException) => {
  if (error.code === "ENOENT") return undefined;
  throw error;
});

/** A path that does not exist yet must have an existing, writable directory as its parent. */
async function checkParent(flag: string, path: string): Promise<void> {
  const parent = dirname(resolve(path));
  const info = await statOf(parent);
  if (!info) throw usage(flag, path, `its directory ${parent} does not exist`);
  if (!info.isDirectory()) throw usage(flag, path, `${parent} is not a directory`);
  if (!(await writable(parent))) throw usage(flag, path, `its directory ${parent} is not writable`);
}

/** The run that last wrote `dir`, by its summary file; undefined when there is none. */
async function writerOf(dir: string): Promise<string | undefined> {
  try {
    const summary = JSON.parse(await Bun.file(join(dir, OUT_SUMMARY_FILE)).text()) as { run_id?: unknown };
    return typeof summary.run_id === "string" ? summary.run_id : undefined;
  } catch {
    return undefined;
  }
}

async function checkOut(dir: string, force: boolean, run_id: string | undefined): Promise<void> {
  const info = await statOf(dir);
  if (!info) return checkParent("--out", dir);
  if (!info.isDirectory()) throw usage("--out", dir, "is not a directory");
  if (!(await writable(dir))) throw usage("--out", dir, "is not writable");
  const entries = await readdir(dir);
  if (entries.length === 0 || force) return;
  if (run_id !== undefined && (await writerOf(dir)) === run_id) return; // this run's own files, rewritten
  throw usage("--out", dir, `is not empty (${entries.length} entries); use an empty directory, or --force to replace the files of the run written there (other files are kept)`);
}

async function checkJunit(file: string): Promise<void> {
  const info = await statOf(file);
  if (!info) return checkParent("--junit", file);
  if (info.isDirectory()) throw usage("--junit", file, "is a directory; give a file name");
  if (!info.isFile()) throw usage("--junit", file, "is not a regular file");
  if (!(await access(file, constants.W_OK).then(() => true, () => false))) throw usage("--junit", file, "is not writable");
}

/**
 * Throws a USAGE error when `--out` or `--junit` cannot be written as asked. `run_id`, when
 * known, lets a run rewrite an `--out` directory it wrote itself (a resume) without `--force`.
 */
export async function checkArtifacts(artifacts: Artifacts, run_id?: string): Promise<void> {
  if (artifacts.out) await checkOut(artifacts.out, artifacts.force === true, run_id);
  if (artifacts.junit) await checkJunit(artifacts.junit);
}

export async function writeArtifacts(store: Store, run_id: string, artifacts: Artifacts, now: number): Promise<void> {
  if (!artifacts.out && !artifacts.junit) return;
  const report = loadRunReport(store, run_id, now);
  try {
    if (artifacts.out) await writeOutDir(artifacts.out, report);
    if (artifacts.junit) await Bun.write(artifacts.junit, junitXml(report));
  } catch (cause) {
    // The run itself is stored; only its files are missing, and `buddy resume` writes them again.
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new BuddyError("STORE", `run ${run_id} is stored, but its files could not be written (${why}); buddy resume ${run_id} --out/--junit writes them`, { cause });
  }
}
