/**
 * The read-only SQLite store (SPEC 9.1): nothing is ever created or changed, a missing or empty
 * file has no runs, a store of the previous schema is read without migrating it, and writes are
 * refused. Also the per-commit identity check for a store replaced under a writer.
 */
import { parseRunOptions } from "../../src/config";
import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../src/store";
import { MIGRATIONS } from "../../src/store/sqlite/migrations";
import { ingest, newRun, task, taskFinal } from "../contract/store/data";
import { expectBuddyError } from "../contract/store/fixtures";

/** The resolved run options an older build stored with its runs. */
const OLD_OPTIONS = JSON.stringify(parseRunOptions({ threads: 2 }));

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "buddy-store-ro-"));
  dirs.push(dir);
  return dir;
}

const open = async (path: string, readonly: boolean): Promise<Store> => {
  const store = await openStore(path, { readonly });
  stores.push(store);
  return store;
};

test("a missing file, in a missing folder, is a store with no runs; nothing is created", async () => {
  const dir = freshDir();
  const store = await open(join(dir, "a", "b", "buddy.db"), true);
  expect(await store.listRuns()).toEqual([]);
  expect(await store.getRun("x")).toBeUndefined();
  expect(await store.violations()).toEqual([]);
  expect(store.location).toBe(join(dir, "a", "b", "buddy.db"));
  expect(readdirSync(dir)).toEqual([]);
});

test("an empty file is a store with no runs, and stays empty", async () => {
  const path = join(freshDir(), "empty.db");
  writeFileSync(path, "");
  expect(await (await open(path, true)).listRuns()).toEqual([]);
  expect(readFileSync(path).length).toBe(0);
});

test("a read-only store refuses every write and lease call; the file is unchanged", async () => {
  const path = join(freshDir(), "buddy.db");
  const writer = await open(path, false);
  const run = newRun();
  await ingest(writer, run, [task(0)]);
  await writer.close();
  const bytes = readFileSync(path);
  const reader = await open(path, true);
  expect((await reader.getRun(run.run_id))?.task_count).toBe(1);
  await expectBuddyError(() => reader.apply([taskFinal(run.run_id, "task-0")]), "INTERNAL");
  await expectBuddyError(() => reader.beginRun(newRun()), "INTERNAL");
  await expectBuddyError(() => reader.acquireLease(run.run_id, { holder: { owner: "o", host: "h", pid: 1, process_started: null }, period_ms: 1, holderIsDead: () => true }), "INTERNAL");
  expect(await reader.currentLease(run.run_id)).toBeUndefined();
  await reader.close();
  expect(readFileSync(path).equals(bytes)).toBe(true);
});

test("a store of the previous schema is read as it is, without migrating; an older one is a STORE error", async () => {
  const path = join(freshDir(), "v3.db");
  const db = new Database(path);
  for (const m of MIGRATIONS.slice(0, 3)) db.run(m.sql);
  db.run("PRAGMA user_version = 3");
  db.run(`INSERT INTO runs (run_id, created_at, input, input_hash, seed, options, status) VALUES ('old', 1, 'x.jsonl', '', 1, '${OLD_OPTIONS}', 'completed')`);
  db.close();
  const store = await open(path, true);
  expect((await store.getRun("old"))?.status).toBe("completed");
  expect(await store.currentLease("old")).toBeUndefined();
  await store.close();
  const check = new Database(path, { readonly: true });
  expect(check.query("PRAGMA user_version").get()).toEqual({ user_version: 3 });
  check.close();

  const v1 = join(freshDir(), "v1.db");
  const old = new Database(v1);
  old.run(MIGRATIONS[0]!.sql);
  old.run("PRAGMA user_version = 1");
  old.close();
  await expect(openStore(v1, { readonly: true })).rejects.toThrow(/old schema version 1/);
});

test("a writer whose database was moved away, or replaced by another store, gets a STORE error after its next commit", async () => {
  const dir = freshDir();
  const path = join(dir, "buddy.db");
  const writer = await open(path, false);
  const run = newRun();
  await ingest(writer, run, [task(0), task(1)]);
  await writer.apply([taskFinal(run.run_id, "task-0")]);
  const other = await open(join(dir, "other.db"), false);
  await other.close();
  renameSync(join(dir, "other.db"), path);
  const error = await expectBuddyError(() => writer.apply([taskFinal(run.run_id, "task-1")]), "STORE");
  expect(error.message).toContain("the database file was replaced by another file");
  expect(existsSync(path)).toBe(true);
});
