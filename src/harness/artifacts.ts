/**
 * The files a run can leave beside its stdout: the `--out` tree (SPEC 9.2) and JUnit XML for CI.
 * Their paths are checked before anything runs (checkArtifacts), so a typo costs nothing: a run
 * that ends with nowhere to write its files would have to be resumed just to get them.
 */
import { constants } from "node:fs";
import { access, lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { BuddyError } from "../core";
import { ifGone, isOutDirDir, isOutDirPath, OUT_SUMMARY_FILE, writeJunit, writeOutDir } from "../report";
import type { Store, StoreFile } from "../store";
import { loadRunReport } from "./report-data";

export interface Artifacts {
  /** Directory for the original's layout of files (SPEC 9.2). */
  out?: string;
  /** Path of a JUnit XML file, a testcase per task. */
  junit?: string;
  /** `--force`: write into an `--out` directory that holds other files (buddy's own are replaced). */
  force?: boolean;
}

/** Files the run's artifacts must never replace or clear: its store and its input. */
export interface Guarded {
  /** The files holding the store (`Store.files`): none for a store on a server. */
  store: readonly StoreFile[];
  /** The input as given; "-" and directories guard nothing. */
  input?: string;
}

/** A file by where it really is and, when it exists, by device and inode (hard links too). */
interface Identity {
  name: string;
  real: string;
  dev?: bigint;
  ino?: bigint;
}

/**
 * Where `path` really is: its real path if it exists, else its real directory and its name (a
 * store file that appears later, such as a write-ahead log, still lands there).
 */
async function identify(name: string, path: string): Promise<Identity> {
  const abs = resolve(path);
  const info = await stat(abs, { bigint: true }).catch(() => undefined);
  const real = await realpath(abs).catch(async () => join(await realpath(dirname(abs)).catch(() => dirname(abs)), basename(abs)));
  return info?.isFile() ? { name, real, dev: info.dev, ino: info.ino } : { name, real };
}

const sameFile = (a: Identity, b: { real?: string; dev?: bigint; ino?: bigint }) =>
  a.real === b.real || (a.dev !== undefined && a.dev === b.dev && a.ino === b.ino);

async function guardedFiles(guarded: Guarded | undefined): Promise<Identity[]> {
  if (!guarded) return [];
  const names = guarded.store.map((file): [string, string] => [`the store's ${file.name}`, file.path]);
  const { input } = guarded;
  if (input !== undefined && input !== "-" && !(await stat(input).then((s) => s.isDirectory(), () => false))) names.push(["the input file", input]);
  return Promise.all(names.map(([name, path]) => identify(name, path)));
}

const usage = (flag: string, path: string, why: string) => new BuddyError("USAGE", `${flag} ${path}: ${why}`);

const writable = (path: string) => access(path, constants.W_OK | constants.X_OK).then(() => true, () => false);
/** What is at `path`; undefined when nothing is, also when a directory on the way is a file (ENOTDIR). */
const statOf = (path: string) => stat(path).catch((error: NodeJS.ErrnoException) => {
  if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
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

/** An existing directory buddy can create files in, or a USAGE error naming what it is not. */
export async function checkWritableDirectory(flag: string, dir: string): Promise<void> {
  const info = await statOf(dir);
  if (!info) throw usage(flag, dir, "no such directory");
  if (!info.isDirectory()) throw usage(flag, dir, "is not a directory");
  if (!(await writable(dir))) throw usage(flag, dir, "is not writable");
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

async function checkOut(dir: string, force: boolean, run_id: string | undefined, guarded: Identity[]): Promise<void> {
  const info = await statOf(dir);
  if (!info) return checkParent("--out", dir);
  await checkWritableDirectory("--out", dir);
  const entries = await readdir(dir);
  const ownRun = run_id !== undefined && (await writerOf(dir)) === run_id; // this run's own files, rewritten
  if (entries.length > 0 && !force && !ownRun) {
    throw usage("--out", dir, `is not empty (${entries.length} entries); use an empty directory, or --force to replace the files of the run written there (other files are kept)`);
  }
  const root = await realpath(dir);
  for (const file of guarded) {
    const rel = relative(root, file.real);
    if (!rel.startsWith("..") && !isAbsolute(rel) && isOutDirPath(rel)) throw usage("--out", dir, `would replace ${file.name} ${file.real}`);
  }
  await checkLayout("--out", dir, root, "", guarded);
}

/**
 * Walks what is at buddy's paths under `root` (never following a symlink, which the clear
 * removes): a directory where buddy writes a file, a file where it needs a directory, a layout
 * directory it cannot write, or a hard link to a guarded file is refused now, not after the run.
 */
async function checkLayout(flag: string, dir: string, root: string, prefix: string, guarded: Identity[]): Promise<void> {
  for (const name of await readdir(join(root, prefix))) {
    const rel = prefix === "" ? name : `${prefix}/${name}`;
    if (!isOutDirPath(rel) && !isOutDirDir(rel)) continue; // the user's: never looked at
    const full = join(root, rel);
    // An entry that vanished since readdir (another process at work there) holds nothing to refuse.
    const info = await lstat(full, { bigint: true }).catch(ifGone(undefined));
    if (!info || info.isSymbolicLink()) continue;
    if (isOutDirPath(rel)) {
      if (info.isDirectory()) throw usage(flag, dir, `${rel} is a directory where buddy writes a file`);
      const twin = guarded.find((g) => sameFile(g, { dev: info.dev, ino: info.ino }));
      if (twin) throw usage(flag, dir, `${rel} is ${twin.name} ${twin.real} (a hard link)`);
    } else if (isOutDirDir(rel)) {
      if (!info.isDirectory()) throw usage(flag, dir, `${rel} is a file where buddy needs a directory`);
      if (!(await writable(full))) throw usage(flag, dir, `${rel} is not writable`);
      await checkLayout(flag, dir, root, rel, guarded);
    }
  }
}

/** `flag FILE` must not name a guarded file, by its path, a symlink or a hard link. */
async function checkNotGuarded(flag: string, file: string, guarded: Identity[]): Promise<void> {
  const twin = guarded.length > 0 ? await identify("", file).then((me) => guarded.find((g) => sameFile(g, me))) : undefined;
  if (twin) throw usage(flag, file, `is ${twin.name} ${twin.real}`);
}

/** A file a reading command writes (`export --output`, `calibrate --output`) never replaces the store it read. */
export async function checkNotStore(flag: string, file: string, store: readonly StoreFile[]): Promise<void> {
  await checkNotGuarded(flag, file, await guardedFiles({ store }));
}

async function checkJunit(file: string, guarded: Identity[]): Promise<void> {
  await checkNotGuarded("--junit", file, guarded);
  const info = await statOf(file);
  if (!info) return checkParent("--junit", file);
  if (info.isDirectory()) throw usage("--junit", file, "is a directory; give a file name");
  if (!info.isFile()) throw usage("--junit", file, "is not a regular file");
  if (!(await access(file, constants.W_OK).then(() => true, () => false))) throw usage("--junit", file, "is not writable");
  // The file is replaced by a rename in its directory, which must be writable too.
  if (!(await writable(dirname(resolve(file))))) throw usage("--junit", file, `its directory ${dirname(resolve(file))} is not writable`);
}

/**
 * Throws a USAGE error when `--out` or `--junit` cannot be written as asked, or would replace
 * or clear a `guarded` file (the store, the input). `run_id`, when known, lets a run rewrite an
 * `--out` directory it wrote itself (a resume) without `--force`.
 */
export async function checkArtifacts(artifacts: Artifacts, run_id?: string, guarded?: Guarded): Promise<void> {
  if (!artifacts.out && !artifacts.junit) return;
  const files = await guardedFiles(guarded);
  if (artifacts.out) await checkOut(artifacts.out, artifacts.force === true, run_id, files);
  if (artifacts.junit) await checkJunit(artifacts.junit, files);
}

export async function writeArtifacts(store: Store, run_id: string, artifacts: Artifacts, now: number): Promise<void> {
  if (!artifacts.out && !artifacts.junit) return;
  const report = await loadRunReport(store, run_id, now);
  try {
    if (artifacts.out) await writeOutDir(artifacts.out, report);
    if (artifacts.junit) writeJunit(artifacts.junit, report);
  } catch (cause) {
    // The run itself is stored; only its files are missing, and `buddy resume` writes them again.
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new BuddyError("STORE", `run ${run_id} is stored, but its files could not be written (${why}); buddy resume ${run_id} --out/--junit writes them`, { cause });
  }
}
