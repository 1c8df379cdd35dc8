/**
 * Writing files where another user may plant symlinks (a shared `--out` directory, a JUnit path
 * in /tmp): nothing buddy writes ever follows a link. Directories are created one level at a time
 * and each is checked (lstat) to be a real directory; a file is created new, O_EXCL|O_NOFOLLOW,
 * so neither a link nor a file planted in its place is written through; and the descriptor's
 * own path (/proc/self/fd) must be the one asked for, which catches a directory swapped for a
 * link between the check and the open. What the open created elsewhere is removed again.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const refuse = (path: string, why: string) => new Error(`${path} ${why}; buddy does not write through it`);

/** Creates `path` (its parent must be real) unless it exists; either way it must be a real directory. */
export function realDirectory(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const info = lstatSync(path);
  if (info.isSymbolicLink()) throw refuse(path, "is a symlink");
  if (!info.isDirectory()) throw refuse(path, "is not a directory");
}

/** What a descriptor really names; undefined where /proc is missing. */
function openedPath(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** Writes `content` to `path`, which must not exist; `path` must be absolute and real up to its name. */
export function writeNewFile(path: string, content: string): void {
  let fd: number;
  try {
    fd = openSync(path, CREATE_NEW, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw refuse(path, "appeared after buddy cleared it (a file or symlink planted there)");
    if (code === "ELOOP") throw refuse(path, "is a symlink");
    throw error;
  }
  try {
    const opened = openedPath(fd);
    if (opened !== undefined && opened !== path) {
      unlinkSync(opened); // created where a swapped directory led: not buddy's to keep
      throw refuse(path, `led to ${opened} (a directory on the way was replaced by a symlink)`);
    }
    const bytes = new TextEncoder().encode(content);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with a file holding `content`: written new beside it, then renamed over it.
 * rename replaces a symlink at `path` instead of following it. The directory as named (the
 * user's choice, symlinks and all) is resolved once.
 */
export function replaceFile(path: string, content: string): void {
  const dir = realpathSync(dirname(resolve(path)));
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const temp = join(dir, `.${basename(path)}.buddy-${process.pid}-${random}.tmp`);
  writeNewFile(temp, content);
  try {
    renameSync(temp, join(dir, basename(path)));
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}
