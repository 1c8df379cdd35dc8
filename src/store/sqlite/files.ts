/** The files a SQLite store consists of on disk, so that nothing else ever writes over them. */
import { resolve } from "node:path";
import type { StoreFile } from "../types";
import { IN_MEMORY } from "./connection";

/**
 * The files of a SQLite store at `path`: the database and the companions SQLite writes beside it
 * (WAL, shared-memory index, rollback journal); none in memory.
 */
export function sqliteFiles(path: string): StoreFile[] {
  if (path === IN_MEMORY) return [];
  const db = resolve(path);
  return [
    { path: db, name: "database" },
    ...["wal", "shm", "journal"].map((end) => ({ path: `${db}-${end}`, name: `${end} file` })),
  ];
}
