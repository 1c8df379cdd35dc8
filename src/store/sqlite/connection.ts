/**
 * Opening the database file: folder, pragmas, schema. Everything that can go wrong here is a
 * user-facing STORE error naming the path (see errors.ts).
 */
import { constants, Database, SQLiteError } from "bun:sqlite";
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { BuddyError } from "../../core";
import { storeError } from "./errors";
import { migrate, readableVersion } from "./migrations";

export interface SqliteOptions {
  /**
   * How long a write waits for another process's transaction before failing with a STORE error.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * `NORMAL`: with WAL a commit is written to the OS before `apply` returns, so it survives the
   * process crashing or being killed (`kill -9`), which is what SPEC 9.1 asks, and there is no
   * fsync on every commit. `FULL` also fsyncs each commit, surviving power loss and OS crashes,
   * at the cost of one fsync per batch.
   * @default "NORMAL"
   */
  synchronous?: "NORMAL" | "FULL";
  /**
   * Open for reading only (the inspecting commands): nothing is created, neither the folder nor
   * the file, and a read-only file system works. A missing file reads as a store with no runs.
   * @default false
   */
  readonly?: boolean;
}

export const IN_MEMORY = ":memory:";

export function openDatabase(path: string, options: Required<SqliteOptions>): Database {
  let db: Database | undefined;
  try {
    if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { create: true, readwrite: true });
    applyPragmas(db, path, options);
    migrate(db, path);
    return db;
  } catch (error) {
    db?.close();
    throw storeError(path, error, options.busyTimeoutMs);
  }
}

function applyPragmas(db: Database, path: string, options: Required<SqliteOptions>): void {
  // First, so that the pragmas and the migration below wait for a busy writer too.
  db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
  // WAL: readers (`buddy show`, the monitor) never block the run's writer, and a commit is
  // one sequential append. The first read of the file happens here, so a file that is not a
  // database fails here rather than in the middle of a run.
  const mode = withBusyRetry(options.busyTimeoutMs, () =>
    db.query<{ journal_mode: string }, []>("PRAGMA journal_mode = WAL").get()?.journal_mode,
  );
  const expected = path === IN_MEMORY ? "memory" : "wal";
  if (mode !== expected) {
    throw new BuddyError("STORE", `store ${path} cannot use WAL journaling (journal mode is ${mode})`);
  }
  db.run(`PRAGMA synchronous = ${options.synchronous}`);
  db.run("PRAGMA foreign_keys = ON");
  // Checkpoints fsync the database file; letting the WAL reach 64 MiB (journal_size_limit) before
  // one runs cut a 200k-task simulated run by about 10 % (measured), at no cost to durability.
  db.run("PRAGMA wal_autocheckpoint = 16384");
  // A million-task ingest is one transaction; a bigger page cache keeps its index pages in
  // memory instead of spilling them to the WAL mid-transaction (64 MiB).
  db.run("PRAGMA cache_size = -65536");
  // After a checkpoint, shrink a WAL that a big ingest grew, instead of keeping it on disk.
  db.run("PRAGMA journal_size_limit = 67108864");
}

/**
 * Two processes opening a brand-new file at once: switching it to WAL needs an exclusive lock,
 * and SQLite answers "database is locked" at once there, without calling the busy handler
 * (seen in 1 of ~10 runs of two writers started together). Retried here within the busy timeout.
 */
function withBusyRetry<T>(timeoutMs: number, fn: () => T): T {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      const busy = error instanceof SQLiteError && (error.code ?? "").startsWith("SQLITE_BUSY");
      if (!busy || Date.now() >= giveUpAt) throw error;
      Bun.sleepSync(5);
    }
  }
}

/**
 * A read-only connection, or null when there is no file at `path` (no store yet: no runs).
 * Reading a WAL database needs its -shm index; where neither it nor the -wal exists and the
 * folder is read-only, SQLite cannot create them, and the file is opened as immutable instead
 * (`?immutable=1`): with no -wal there is no uncommitted log to miss, and a read-only folder
 * has no writer. Returns the connection with its schema version (0: an empty file).
 */
export function openReadOnlyDatabase(path: string, options: Required<SqliteOptions>): { db: Database; version: number } | null {
  try {
    if (statSync(path, { throwIfNoEntry: false }) === undefined) return null;
    return readOnly(path, path, { readonly: true }, options);
  } catch (error) {
    if (!cannotInitWal(error)) throw storeError(path, error, options.busyTimeoutMs);
    // A log with frames in it holds commits the main file lacks; immutable would not see them.
    if ((statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) {
      throw new BuddyError(
        "STORE",
        `cannot read store ${path}: its write-ahead log (-wal) has commits but no -shm index beside it, and its folder is read-only; open it once where the folder is writable`,
        { cause: error },
      );
    }
  }
  try {
    return readOnly(path, immutableUri(path), constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_URI, options);
  } catch (error) {
    throw storeError(path, error, options.busyTimeoutMs);
  }
}

function readOnly(path: string, name: string, mode: ConstructorParameters<typeof Database>[1], options: Required<SqliteOptions>) {
  const db = new Database(name, mode);
  try {
    db.run(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    return { db, version: readableVersion(db, path) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** SQLite could not open or create the -shm/-wal companions of a read-only database. */
function cannotInitWal(error: unknown): boolean {
  const code = error instanceof SQLiteError ? (error.code ?? "") : "";
  return code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_READONLY_CANTINIT" || code === "SQLITE_READONLY_DIRECTORY";
}

/** A `file:` URI naming `path` exactly, whatever characters it holds. */
function immutableUri(path: string): string {
  return `file:${path.split("/").map(encodeURIComponent).join("/")}?immutable=1`;
}
