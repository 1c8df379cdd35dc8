/** The SQLite backend of the Store: the only place that imports `bun:sqlite` (STYLE.md). */
import { resolve } from "node:path";
import type { Store } from "../types";
import type { Database } from "bun:sqlite";
import { IN_MEMORY, openDatabase, openReadOnlyDatabase, type SqliteOptions } from "./connection";
import { SqliteStore } from "./store";

export type { SqliteOptions } from "./connection";
export { sqliteFiles } from "./files";
export { SCHEMA_VERSION } from "./migrations";

const DEFAULTS: Required<SqliteOptions> = { busyTimeoutMs: 5000, synchronous: "NORMAL", readonly: false };

/**
 * Opens (creating it and its folder if needed) the store at `path`, migrated to the current
 * schema. `":memory:"` gives a private in-memory store, for tests of other components.
 * With `readonly`, nothing is created: a missing or empty file is a store without runs.
 */
export function openSqliteStore(path: string, options: SqliteOptions = {}): Store {
  const resolved = { ...DEFAULTS, ...withoutUndefined(options) };
  const location = path === IN_MEMORY ? IN_MEMORY : resolve(path);
  if (resolved.readonly) return openReadOnly(location, resolved);
  return withStore(openDatabase(location, resolved), (db) => new SqliteStore(location, db, resolved.busyTimeoutMs, "readwrite"));
}

function openReadOnly(location: string, options: Required<SqliteOptions>): Store {
  const opened = location === IN_MEMORY ? null : openReadOnlyDatabase(location, options);
  if (opened !== null && opened.version > 0) {
    return withStore(opened.db, (db) => new SqliteStore(location, db, options.busyTimeoutMs, "readonly"));
  }
  opened?.db.close();
  // No store there yet: an empty schema in memory answers every read with "nothing".
  const empty = openDatabase(IN_MEMORY, options);
  return withStore(empty, (db) => new SqliteStore(location, db, options.busyTimeoutMs, "readonly"));
}

function withStore(db: Database, make: (db: Database) => Store): Store {
  try {
    return make(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** `{ busyTimeoutMs: undefined }` means "the default", not "no timeout". */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
