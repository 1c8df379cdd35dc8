/**
 * Every failure of the SQLite store reaches the user as one BuddyError("STORE") whose message is
 * one line naming the database path: the CLI prints it and exits 4 (SPEC 3), so SQLite's own
 * terse words ("unable to open database file") are completed with what the user can act on.
 */
import { SQLiteError, type Changes } from "bun:sqlite";
import { accessSync, constants, statSync } from "node:fs";
import { dirname } from "node:path";
import { BuddyError } from "../../core";

/** Wraps `error` (from SQLite or the file system) as a STORE error; a BuddyError passes as is. */
export function storeError(path: string, error: unknown, busyTimeoutMs: number): unknown {
  if (error instanceof BuddyError) return error;
  if (error instanceof SQLiteError) return fromSqlite(path, error, busyTimeoutMs);
  if (isErrnoException(error)) {
    return new BuddyError("STORE", `cannot open store ${path}: ${fromFileSystem(error)}`, { cause: error });
  }
  // A TypeError or similar is a bug in the caller, not a store failure: keep its stack.
  return error;
}

function fromSqlite(path: string, error: SQLiteError, busyTimeoutMs: number): BuddyError {
  const code = error.code ?? "";
  const sqliteWords = oneLine(error.message);
  const make = (message: string, retryable = false) =>
    new BuddyError("STORE", message, { cause: error, retryable });
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return make(`store ${path} is locked: another connection held it for more than ${busyTimeoutMs} ms`, true);
  }
  if (code === "SQLITE_NOTADB") return make(`store ${path} is not a SQLite database (${sqliteWords})`);
  if (code.startsWith("SQLITE_CORRUPT")) return make(`store ${path} is corrupt or truncated (${sqliteWords})`);
  if (code.startsWith("SQLITE_CANTOPEN")) return make(`cannot open store ${path}: ${whyCantOpen(path) ?? sqliteWords}`);
  if (code.startsWith("SQLITE_READONLY")) return make(`store ${path} is read-only (${sqliteWords})`);
  if (code.startsWith("SQLITE_FULL")) return make(`store ${path}: the disk is full`);
  return make(`store ${path}: ${sqliteWords}`);
}

/** Creating the store's folder failed. */
function fromFileSystem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EEXIST":
    case "ENOTDIR":
      return "part of its folder path is a file, not a folder";
    case "EACCES":
    case "EPERM":
      return `permission denied creating the folder ${error.path ?? ""}`.trim();
    case "EROFS":
      return "the file system is read-only";
    default:
      return oneLine(error.message);
  }
}

/** SQLite says only "unable to open database file"; the file system can say why. */
function whyCantOpen(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return "it is a directory";
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (!isErrnoException(error)) return undefined;
    if (error.code !== "ENOENT") return oneLine(error.message); // e.g. EACCES: permission denied
  }
  try {
    // The database is fine; SQLite also needs to create its -wal and -shm files beside it.
    accessSync(dirname(path), constants.W_OK);
  } catch {
    return `its folder ${dirname(path)} is not writable`;
  }
  return undefined;
}

/**
 * An UPDATE that changed no row means the write named a run, task or attempt the store does not
 * have: a bug upstream. Throwing rolls the whole batch back instead of losing the write silently.
 */
export function expectChanged(changes: Changes, what: string): void {
  if (changes.changes === 0) throw new BuddyError("STORE", `${what} is not in the store`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
