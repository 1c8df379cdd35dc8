/**
 * A store a refused run leaves behind: bad input changes nothing (exit 2), not even by leaving a
 * new, empty database (and its `.buddy/` folder) where there was none.
 */
import { Database } from "bun:sqlite";
import { existsSync, rmdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { IN_MEMORY } from "./connection";
import { sqliteFiles } from "./files";

/** What a SQLite store at `path` would create that does not exist yet: the file, and the folders above it. */
export interface FreshStore {
  path: string;
  /** Created folders, innermost first. */
  folders: string[];
}

/** Before a store is opened: undefined when it exists already (or lives in memory), and is never removed. */
export function freshStore(path: string): FreshStore | undefined {
  if (path === IN_MEMORY) return undefined;
  const db = resolve(path);
  if (existsSync(db)) return undefined;
  const folders: string[] = [];
  for (let dir = dirname(db); !existsSync(dir) && dir !== dirname(dir); dir = dirname(dir)) folders.push(dir);
  return { path: db, folders };
}

/**
 * After the process closed it: removes the store `fresh` names if it holds no run. The check and
 * the removal happen under the write lock, so no other process commits a run in between; one
 * that opened the file meanwhile finds its store gone at its next commit (exit 4, SPEC 9.1)
 * instead of writing to a file nobody can see.
 */
export function removeIfEmpty(fresh: FreshStore): void {
  if (!existsSync(fresh.path)) return;
  const db = new Database(fresh.path, { readwrite: true, create: false });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    db.run("BEGIN IMMEDIATE");
    const table = db.query<{ n: number }, []>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get()!.n;
    const runs = table === 0 ? 0 : db.query<{ n: number }, []>("SELECT count(*) AS n FROM runs").get()!.n;
    if (runs === 0) for (const file of sqliteFiles(fresh.path)) rmSync(file.path, { force: true });
    db.run("ROLLBACK");
    if (runs > 0) return;
  } finally {
    db.close();
  }
  // Closing may remove (or leave) the WAL companions; none of them is kept.
  for (const file of sqliteFiles(fresh.path)) rmSync(file.path, { force: true });
  for (const folder of fresh.folders) {
    try {
      rmdirSync(folder); // only when empty: anything else put there meanwhile stays
    } catch {
      break;
    }
  }
}
