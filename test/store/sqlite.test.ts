/**
 * What only the SQLite store does: the file, its folder, pragmas, schema versions, and the one-line
 * STORE errors for files it cannot use. The raw `bun:sqlite` connection here plays another
 * program (an older or newer buddy, a concurrent writer) touching the same file.
 */
import { parseRunOptions } from "../../src/config";
import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, storeFiles, type Store } from "../../src/store";
import { SCHEMA_VERSION } from "../../src/store/sqlite";
import { MIGRATIONS } from "../../src/store/sqlite/migrations";
import { ingest, newRun, task, taskFinal } from "../contract/store/data";
import { expectBuddyError } from "../contract/store/fixtures";

/** The resolved run options an older build stored with its runs. */
const OLD_OPTIONS = JSON.stringify(parseRunOptions({ threads: 2 }));

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "buddy-store-sqlite-"));
  dirs.push(dir);
  return dir;
}

async function open(path: string, options?: Parameters<typeof openStore>[1]): Promise<Store> {
  const store = await openStore(path, options);
  stores.push(store);
  return store;
}

/** Opens the store and reads all of one run, so damage anywhere in the file shows. */
async function openAndReadAll(path: string, runId: string): Promise<void> {
  const store = await openStore(path);
  try {
    await store.listRuns();
    await store.tasks(runId);
  } finally {
    await store.close();
  }
}

function raw(path: string, fn: (db: Database) => void): void {
  const db = new Database(path);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

test("opening creates the missing folders, WAL mode and the current schema version", async () => {
  const path = join(freshDir(), "a", "b", "buddy.db");
  const store = await open(path);
  expect(store.location).toBe(path);
  await ingest(store, newRun(), [task(0)]);
  raw(path, (db) => {
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION });
  });
});

test("a reopened store keeps its runs; an empty file becomes a store", async () => {
  const dir = freshDir();
  const path = join(dir, "buddy.db");
  const run = newRun();
  const first = await openStore(path);
  await ingest(first, run, [task(0), task(1)]);
  await first.apply([taskFinal(run.run_id, "task-1")]);
  await first.close();
  expect((await (await open(path)).tasks(run.run_id)).map((t) => t.status)).toEqual(["pending", "succeeded"]);

  const empty = join(dir, "empty.db");
  writeFileSync(empty, "");
  expect(await (await open(empty)).listRuns()).toEqual([]);
});

test("':memory:' gives a private store per call, for tests of other components", async () => {
  const a = await open(":memory:");
  const b = await open(":memory:");
  await ingest(a, newRun(), [task(0)]);
  expect((await a.listRuns()).length).toBe(1);
  expect(await b.listRuns()).toEqual([]);
  expect(a.location).toBe(":memory:");
  expect(a.files).toEqual([]);
});

test("its files are the database and the WAL, shared-memory and journal files beside it, read-only too", async () => {
  const path = join(freshDir(), "buddy.db");
  const files = [
    { path, name: "database" },
    { path: `${path}-wal`, name: "wal file" },
    { path: `${path}-shm`, name: "shm file" },
    { path: `${path}-journal`, name: "journal file" },
  ];
  expect((await open(path)).files).toEqual(files);
  expect((await open(path, { readonly: true })).files).toEqual(files);
  // Checks made before the store is opened name the same files.
  expect(storeFiles(path)).toEqual(files);
});

test("a store written by a newer buddy is refused, naming both versions", async () => {
  const path = join(freshDir(), "buddy.db");
  await (await openStore(path)).close();
  raw(path, (db) => db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`));
  const error = await expectBuddyError(() => open(path), "STORE");
  expect(error.message).toContain(path);
  expect(error.message).toContain(`newer schema version ${SCHEMA_VERSION + 1} (this buddy knows ${SCHEMA_VERSION})`);
});

test("a file that is not a database is a one-line STORE error naming it", async () => {
  const path = join(freshDir(), "notes.db");
  writeFileSync(path, "these are my notes, not a database\n".repeat(200));
  const error = await expectBuddyError(() => open(path), "STORE");
  expect(error.message).toContain(path);
  expect(error.message).toContain("not a SQLite database");
});

test("a truncated store is a one-line STORE error naming it", async () => {
  const dir = freshDir();
  const path = join(dir, "buddy.db");
  const run = newRun();
  const store = await openStore(path);
  await ingest(store, run, Array.from({ length: 2000 }, (_, i) => task(i)));
  await store.close();
  const bytes = readFileSync(path);
  for (const length of [50, Math.floor(bytes.length / 2)]) {
    const cut = join(dir, `cut-${length}.db`);
    writeFileSync(cut, bytes.subarray(0, length));
    const error = await expectBuddyError(() => openAndReadAll(cut, run.run_id), "STORE");
    expect(error.message).toContain(cut);
  }
});

test("a directory, or a path below a file, is a STORE error naming it", async () => {
  const dir = freshDir();
  const error = await expectBuddyError(() => open(dir), "STORE");
  expect(error.message).toBe(`cannot open store ${dir}: it is a directory`);

  const file = join(dir, "plain.txt");
  writeFileSync(file, "x");
  const below = join(file, "buddy.db");
  expect((await expectBuddyError(() => open(below), "STORE")).message).toBe(
    `cannot open store ${below}: part of its folder path is a file, not a folder`,
  );
});

test("a read-only folder is a STORE error naming the path", async () => {
  const dir = freshDir();
  const folder = join(dir, "locked");
  mkdirSync(folder);
  chmodSync(folder, 0o555);
  const path = join(folder, "buddy.db");
  if (process.getuid?.() === 0) {
    // root writes through permission bits, so there is no failure to observe. Check instead
    // that the store then really works there (this fails if opening half-succeeded).
    const store = await open(path);
    await ingest(store, newRun(), [task(0)]);
    expect((await store.listRuns()).length).toBe(1);
  } else {
    const error = await expectBuddyError(() => open(path), "STORE");
    expect(error.message).toBe(`cannot open store ${path}: its folder ${folder} is not writable`);
  }
  chmodSync(folder, 0o755);
});

test("a writer blocked beyond the busy timeout gets a retryable STORE error", async () => {
  const path = join(freshDir(), "buddy.db");
  const store = await open(path, { busyTimeoutMs: 50 });
  const run = newRun();
  await ingest(store, run, [task(0)]);
  const other = new Database(path);
  try {
    other.run("BEGIN IMMEDIATE");
    const error = await expectBuddyError(() => store.apply([taskFinal(run.run_id, "task-0")]), "STORE");
    expect(error.message).toBe(`store ${path} is locked: another connection held it for more than 50 ms`);
    expect(error.retryable).toBe(true);
    // Reads go on under WAL while another connection writes.
    expect((await store.tasks(run.run_id))[0]?.status).toBe("pending");
    other.run("ROLLBACK");
  } finally {
    other.close();
  }
  await store.apply([taskFinal(run.run_id, "task-0")]);
  expect((await store.tasks(run.run_id))[0]?.status).toBe("succeeded");
});

test("a store from before the violation log is migrated in place: its runs stay, violations can be recorded", async () => {
  const path = join(freshDir(), "buddy.db");
  // A database exactly as schema version 1 (the first release) left it, with one run.
  raw(path, (db) => {
    db.run(MIGRATIONS[0]!.sql);
    db.run("PRAGMA user_version = 1");
    db.run(`INSERT INTO runs (run_id, created_at, input, input_hash, seed, options, status) VALUES ('old', 1, 'x.jsonl', '', 1, '${OLD_OPTIONS}', 'completed')`);
    db.run(`INSERT INTO tasks (run_id, task_id, seq, wave, spec) VALUES ('old', 't', 0, 1, '{}')`);
  });
  const store = await open(path);
  expect((await store.getRun("old"))?.status).toBe("completed");
  const row = {
    run_id: "old", task_id: "t", attempt: 1, execution_id: "old/t/1",
    violation_type: "GLOBAL_ALLOWLIST_VIOLATION", details: "read of blocked global 'eval'", code_preview: "eval('1')", timestamp: 5,
  };
  await store.apply([{ kind: "violation", row }]);
  expect(await store.violations("old")).toEqual([row]);
  raw(path, (db) => expect(db.query("PRAGMA user_version").get()).toEqual({ user_version: SCHEMA_VERSION }));
});
