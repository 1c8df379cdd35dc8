/**
 * The Store component's public surface: the interface everything else codes against, and the
 * function that opens a backend: the local SQLite file (SPEC 9.1), or a PostgreSQL server named
 * by a `postgres://` URL (SPEC 11), behind the same `Store` interface.
 */
import { isPostgresUrl, openPostgresStore, type PostgresOptions } from "./postgres";
import { openSqliteStore, sqliteFiles, type SqliteOptions } from "./sqlite";
import type { Store, StoreFile } from "./types";

export type * from "./types";
export type * from "./queue";
export { LONGEST_LEASE_MS } from "./queue";
export { isPostgresUrl } from "./postgres";

/** Options of `openStore`; each backend reads its own, see each field for its default. */
export type StoreOptions = SqliteOptions & Pick<PostgresOptions, "timeoutMs">;

/**
 * Opens the store at `location`: a `postgres://` URL, else a SQLite file path (creating the file
 * and its folder when missing). Throws a BuddyError with code "STORE" and a one-line message
 * naming the store when it cannot be opened, is not a buddy store, or was written by a newer buddy.
 */
export async function openStore(location: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) {
    return openPostgresStore(location, { readonly: options.readonly === true, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  }
  return openSqliteStore(location, options);
}

/** The `files` of the store `openStore(location)` would open, for checks made before opening it. */
export function storeFiles(location: string): StoreFile[] {
  return isPostgresUrl(location) ? [] : sqliteFiles(location);
}
