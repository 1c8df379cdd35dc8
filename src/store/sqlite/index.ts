/** The SQLite backend of the Store: the only place that imports `bun:sqlite` (STYLE.md). */
import { resolve } from "node:path";
import type { Store } from "../types";
import { IN_MEMORY, openDatabase, type SqliteOptions } from "./connection";
import { SqliteStore } from "./store";

export type { SqliteOptions } from "./connection";
export { SCHEMA_VERSION } from "./migrations";

const DEFAULTS: Required<SqliteOptions> = { busyTimeoutMs: 5000, synchronous: "NORMAL" };

/**
 * Opens (creating it and its folder if needed) the store at `path`, migrated to the current
 * schema. `":memory:"` gives a private in-memory store, for tests of other components.
 */
export function openSqliteStore(path: string, options: SqliteOptions = {}): Store {
  const resolved = { ...DEFAULTS, ...withoutUndefined(options) };
  const location = path === IN_MEMORY ? IN_MEMORY : resolve(path);
  const db = openDatabase(location, resolved);
  try {
    return new SqliteStore(location, db, resolved.busyTimeoutMs);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** `{ busyTimeoutMs: undefined }` means "the default", not "no timeout". */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
