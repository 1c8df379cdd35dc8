/**
 * `script` files are read at ingest (SPEC 2.1) so a run never depends on files that may change or
 * vanish while it executes, and a missing script is reported with the other problems up front.
 *
 * A script is confined (SPEC 5, "Inputs the sandbox receives"): its path is relative, resolves
 * after symlinks inside the input's directory, and names a regular file of at most 1 MiB. The
 * file is opened once and every check is made on the opened descriptor, so a path swapped for a
 * symlink, a FIFO or a device between the check and the read is caught: `/proc/self/fd` names
 * what was really opened, fstat says what it is, and the read stops one byte past the limit
 * (files in /proc report size 0 whatever they hold).
 */
import { constants } from "node:fs";
import { open, readlink, realpath } from "node:fs/promises";
import { isAbsolute, resolve, sep } from "node:path";
import { show, showPath } from "./problems";
import { fsReason } from "./source";

/** Largest script accepted, in bytes (SPEC 5). */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

/** A script read: its text, and the absolute path it was read from (symlinks as written). */
export type ScriptRead = { ok: true; code: string; file: string } | { ok: false; message: string };

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

const isInside = (path: string, dir: string) => path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function kindOf(s: import("node:fs").Stats): string {
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a FIFO";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  if (s.isSocket()) return "a socket";
  return "not a regular file";
}

/** What the descriptor really names; where /proc is missing, the path that was opened. */
const openedPath = (fd: number, fallback: string) => readlink(`/proc/self/fd/${fd}`).catch(() => fallback);

/**
 * Reads `path` relative to `baseDir`, which must already be a real path (no symlinks): the
 * input file's directory, or the working directory for stdin.
 */
export async function readScript(path: string, baseDir: string): Promise<ScriptRead> {
  if (isAbsolute(path)) return { ok: false, message: `${show(path)} is an absolute path; give it relative to ${showPath(baseDir)}` };
  // resolve() drops a trailing "/" and ".": "good.js/" must not open good.js, nor "." the directory.
  if (/(^|\/)\.{0,2}$/.test(path)) return { ok: false, message: `${show(path)} names a directory, not a file` };
  const full = resolve(baseDir, path);
  if (full === baseDir) return { ok: false, message: `${show(path)} names the input file's directory, not a file` };
  const outside = (real: string) => ({ ok: false as const, message: `${show(path)} resolves to ${showPath(real)}, outside ${showPath(baseDir)} (scripts must stay in the input file's directory)` });
  // Checked on the path as written first, so the answer never says whether a file outside exists.
  if (!isInside(full, baseDir)) return outside(full);
  let real: string;
  try {
    real = await realpath(full);
  } catch (error) {
    return { ok: false, message: `file ${fsReason(error)}: ${showPath(full)}` };
  }
  if (!isInside(real, baseDir)) return outside(real);
  let handle: import("node:fs/promises").FileHandle;
  try {
    handle = await open(real, OPEN_FLAGS);
  } catch (error) {
    // ELOOP: the last component became a symlink after realpath looked.
    return { ok: false, message: `file ${fsReason(error)}: ${showPath(full)}` };
  }
  try {
    const opened = await openedPath(handle.fd, real);
    if (!isInside(opened, baseDir)) return outside(opened);
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, message: `${showPath(full)} is ${kindOf(info)}, not a regular file` };
    if (info.size > MAX_SCRIPT_BYTES) return { ok: false, message: `${showPath(full)} is larger than 1 MiB` };
    const bytes = await readAtMost(handle, MAX_SCRIPT_BYTES + 1, info.size);
    if (bytes.length > MAX_SCRIPT_BYTES) return { ok: false, message: `${showPath(full)} is larger than 1 MiB` };
    try {
      return { ok: true, code: new TextDecoder("utf-8", { fatal: true }).decode(bytes), file: full };
    } catch {
      return { ok: false, message: `${showPath(full)} is not valid UTF-8 text` };
    }
  } catch (error) {
    return { ok: false, message: `file ${fsReason(error)}: ${showPath(full)}` };
  } finally {
    await handle.close();
  }
}

/** Up to `limit` bytes; the buffer starts at the size fstat gave and grows only when it lied. */
async function readAtMost(handle: import("node:fs/promises").FileHandle, limit: number, sizeHint: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(Math.min(limit, Math.max(sizeHint + 1, 4096)));
  let size = 0;
  for (;;) {
    if (size === buffer.length) {
      if (size === limit) break;
      const grown = new Uint8Array(Math.min(limit, size * 2));
      grown.set(buffer);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
    if (bytesRead === 0) break;
    size += bytesRead;
  }
  return buffer.subarray(0, size);
}
