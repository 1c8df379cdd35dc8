/**
 * The inspecting commands only read (SPEC 9.1): they create neither `.buddy/` nor a database,
 * and work where the store's folder is read-only, including a WAL database whose -wal and -shm
 * files are absent (SQLite cannot create them there). Root ignores permission bits, so as root
 * the binary runs as `nobody`.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, fixture, tempDir, type Ran } from "./helpers";

const AS_NOBODY = process.getuid?.() === 0 ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : [];

async function asNobody(args: string[], cwd: string): Promise<Ran> {
  const proc = Bun.spawn([...AS_NOBODY, BUDDY, ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, records: [] };
}

/** The commands that only read, for a run id (and `violations` of every run). */
const readers = (run: string) => [["runs"], ["show", run, "--tasks", "--attempts"], ["report", run, "--format", "json"], ["violations", run], ["violations"], ["calibrate", run], ["metrics", run], ["export", run]];

test("without a store, runs and violations print nothing and exit 0; show, report, calibrate, metrics say no such run (exit 2); nothing is created", async () => {
  const dir = tempDir();
  for (const args of [["runs"], ["violations"]]) {
    const ran = await buddy(args, { cwd: dir });
    expect({ args, code: ran.code, stdout: ran.stdout, stderr: ran.stderr }).toEqual({ args, code: 0, stdout: "", stderr: "" });
  }
  for (const args of [["show", "r1"], ["report", "r1"], ["calibrate", "r1"], ["violations", "r1"], ["metrics", "r1"], ["show", "latest"], ["metrics", "latest"]]) {
    const ran = await buddy(args, { cwd: dir });
    expect({ args, code: ran.code, stdout: ran.stdout }).toEqual({ args, code: 2, stdout: "" });
    const db = join(dir, ".buddy/buddy.db");
    expect(ran.stderr).toContain(args[1] === "latest" ? `no run in ${db}, so \`latest\` names none` : `no run ${args[1]} in ${db}`);
  }
  const elsewhere = join(dir, "a", "b", "x.db");
  expect((await buddy(["runs", "--db", elsewhere], { cwd: dir })).code).toBe(0);
  expect(readdirSync(dir)).toEqual([]);
});

test("on a read-only folder with the database alone (no -wal, no -shm), every reader works as on a writable one and writes nothing", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", fixture("demo.jsonl"), "--quiet", "--seed", "3"], { cwd: dir });
  const run = ran.records.at(-1).run_id;
  const expected = await Promise.all(readers(run).map((args) => buddy(args, { cwd: dir })));
  // Closed by its last writer, a WAL database is one file; copy it to a folder nobody can write.
  const ro = join(dir, "ro");
  mkdirSync(join(ro, ".buddy"), { recursive: true });
  copyFileSync(join(dir, ".buddy/buddy.db"), join(ro, ".buddy/buddy.db"));
  const bytes = readFileSync(join(ro, ".buddy/buddy.db"));
  chmodSync(join(ro, ".buddy"), 0o555);
  chmodSync(dir, 0o755);
  for (const [i, args] of readers(run).entries()) {
    const got = await asNobody(args, ro);
    expect({ args, code: got.code, stderr: got.stderr }).toEqual({ args, code: expected[i]!.code, stderr: expected[i]!.stderr });
    // The report carries the time it was made (its first generated_at); everything else is the same bytes.
    const untimed = (text: string) => (args[0] === "report" ? text.replace(/"generated_at":"[^"]*"/, "") : text);
    expect(untimed(got.stdout)).toEqual(untimed(expected[i]!.stdout));
    if (args[0] !== "violations") expect(got.stdout.length).toBeGreaterThan(0);
  }
  expect(readdirSync(join(ro, ".buddy"))).toEqual(["buddy.db"]);
  expect(readFileSync(join(ro, ".buddy/buddy.db")).equals(bytes)).toBe(true);
  // A writing command there still fails as before: exit 4, one line.
  const write = await asNobody(["run", fixture("all-ok.jsonl")], ro);
  expect(write.code).toBe(4);
});

test("a read-only folder whose -wal holds commits but has no -shm: one clear line, exit 4, not stale answers", async () => {
  const dir = tempDir();
  const db = join(dir, "live.db");
  await buddy(["run", fixture("all-ok.jsonl"), "--db", db, "--run-id", "first", "--quiet"]);
  // A writer that has committed into the log and not checkpointed it.
  const writer = new Database(db);
  writer.run("PRAGMA wal_autocheckpoint = 0");
  writer.run("UPDATE runs SET input = 'only-in-the-log'");
  const ro = join(dir, "ro");
  mkdirSync(ro);
  copyFileSync(db, join(ro, "live.db"));
  copyFileSync(`${db}-wal`, join(ro, "live.db-wal"));
  writer.close();
  chmodSync(ro, 0o555);
  chmodSync(dir, 0o755);
  const got = await asNobody(["runs", "--db", join(ro, "live.db")], ro);
  expect(got.stdout).toBe("");
  expect(got.code).toBe(4);
  expect(got.stderr.trim().split("\n")).toEqual([
    `buddy: cannot read store ${join(ro, "live.db")}: its write-ahead log (-wal) has commits but no -shm index beside it, and its folder is read-only; open it once where the folder is writable`,
  ]);
  expect(existsSync(join(ro, "live.db-shm"))).toBe(false);
});

test("readers run beside a live run on a read-only view: a run in progress is listed while its writer holds the store", async () => {
  const dir = tempDir();
  const proc = Bun.spawn([BUDDY, "run", fixture("demo.jsonl"), "--quiet", "--threads", "1"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const out = new Response(proc.stdout).text();
  let listed: Ran | undefined;
  for (let i = 0; i < 300; i++) {
    listed = await buddy(["runs"], { cwd: dir });
    if (listed.records.length > 0) break;
    await Bun.sleep(10);
  }
  expect(listed!.code).toBe(0);
  expect(listed!.records[0]).toMatchObject({ type: "run", status: expect.stringMatching(/running|completed|failed/) });
  expect(await proc.exited).toBe(1);
  expect((await out).length).toBeGreaterThan(0);
});
