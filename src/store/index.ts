/**
 * The Store component's public surface: the interface everything else codes against, and the
 * function that opens the SQLite implementation (SPEC 9.1). A PostgreSQL implementation
 * (SPEC 11) will sit beside it behind the same `Store` interface.
 */
import { openSqliteStore, sqliteFiles, type SqliteOptions } from "./sqlite";
import type { Store, StoreFile } from "./types";

export type * from "./types";

/** Options of `openStore`; see each field for its default. */
export type StoreOptions = SqliteOptions;

/**
 * Opens the store at `path`, creating the file and its folder when missing. Throws a
 * BuddyError with code "STORE" and a one-line message naming the path when the file cannot be
 * opened, is not a buddy database, or was written by a newer buddy.
 */
export function openStore(path: string, options: StoreOptions = {}): Store {
  return openSqliteStore(path, options);
}

/** The `files` of the store `openStore(path)` would open, for checks made before opening it. */
export function storeFiles(path: string): StoreFile[] {
  return sqliteFiles(path);
}
