import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, fixture, ofType, tempDir } from "./helpers";

const outcome = (t: any) => [t.task_id, t.status, JSON.stringify(t.result ?? t.error?.code)];

test("SIGINT mid-run exits 130 within 3 s; resume completes it with the outcomes of an uninterrupted run", async () => {
  const dir = tempDir();
  const proc = Bun.spawn([BUDDY, "run", fixture("demo.jsonl"), "--seed", "7", "--quiet"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const stdout = new Response(proc.stdout).text();
  // Wait until the run is under way (its first task record), then interrupt it.
  const reader = Bun.file(join(dir, ".buddy/buddy.db"));
  for (let i = 0; i < 200 && !(await reader.exists()); i++) await Bun.sleep(10);
  await Bun.sleep(150);
  const signalled = performance.now();
  proc.kill("SIGINT");
  const code = await proc.exited;
  const tookMs = performance.now() - signalled;
  expect(code).toBe(130);
  expect(tookMs).toBeLessThan(3000);
  const first = (await stdout).trim().split("\n").map((l) => JSON.parse(l));
  const summary = first.at(-1);
  expect(summary).toMatchObject({ type: "summary", status: "interrupted" });
  expect(summary.totals.succeeded + summary.totals.failed).toBeLessThan(30);

  const resumed = await buddy(["resume", summary.run_id, "--quiet"], { cwd: dir });
  expect(resumed.code).toBe(1);
  const all = [...ofType(first, "task"), ...ofType(resumed.records, "task")];
  expect(all.length).toBe(30);
  expect(new Set(all.map((t) => t.task_id)).size).toBe(30);
  const straight = await buddy(["run", fixture("demo.jsonl"), "--seed", "7", "--quiet"]);
  expect(all.map(outcome).sort()).toEqual(ofType(straight.records, "task").map(outcome).sort());
  expect(resumed.records.at(-1)).toMatchObject({ status: "failed", totals: { tasks: 30, succeeded: 25, failed: 5 } });
});

test("resume of a completed run prints its summary, runs nothing and exits with the run's code", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", fixture("demo.jsonl"), "--quiet"], { cwd: dir });
  const again = await buddy(["resume", ran.records.at(-1).run_id], { cwd: dir });
  expect(again.code).toBe(1);
  expect(again.records).toEqual([ran.records.at(-1)]);
});

test("resume --replay of a finished run prints every record the run printed, the summary last", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", fixture("demo.jsonl"), "--quiet"], { cwd: dir });
  const replayed = await buddy(["resume", ran.records.at(-1).run_id, "--replay"], { cwd: dir });
  expect(replayed.code).toBe(ran.code);
  expect(ofType(replayed.records, "task").length).toBe(30);
  const byId = (records: any[]) => [...records].sort((a, b) => `${a.type}/${a.task_id ?? a.wave}`.localeCompare(`${b.type}/${b.task_id ?? b.wave}`));
  expect(byId(replayed.records)).toEqual(byId(ran.records));
  expect(replayed.records.at(-1)).toEqual(ran.records.at(-1));
});

test("--run-id names a run; the same input resumes it, a different input is an input error", async () => {
  const dir = tempDir();
  const first = await buddy(["run", fixture("all-ok.jsonl"), "--run-id", "nightly-1", "--quiet"], { cwd: dir });
  expect(first.code).toBe(0);
  expect(first.records.at(-1).run_id).toBe("nightly-1");
  const same = await buddy(["run", fixture("all-ok.jsonl"), "--run-id", "nightly-1", "--quiet"], { cwd: dir });
  expect(same.code).toBe(0);
  expect(ofType(same.records, "task")).toEqual([]);
  const other = await buddy(["run", fixture("demo.jsonl"), "--run-id", "nightly-1"], { cwd: dir });
  expect(other.code).toBe(2);
  expect(other.stderr).toContain("different input");
  expect((await buddy(["runs"], { cwd: dir })).records.length).toBe(1);
});

test("two buddy runs on one database both complete", async () => {
  const dir = tempDir();
  const [a, b] = await Promise.all([
    buddy(["run", fixture("demo.jsonl"), "--quiet"], { cwd: dir }),
    buddy(["run", fixture("all-ok.jsonl"), "--quiet"], { cwd: dir }),
  ]);
  expect([a.code, b.code]).toEqual([1, 0]);
  expect(ofType(a.records, "task").length).toBe(30);
  const runs = await buddy(["runs"], { cwd: dir });
  expect(runs.records.map((r) => r.status).sort()).toEqual(["completed", "failed"]);
});

test("bad database paths, a read-only directory and a truncated database: one clear line, exit 4", async () => {
  const dir = tempDir();
  const good = join(dir, "good.db");
  await buddy(["run", fixture("all-ok.jsonl"), "--db", good, "--quiet"]);
  const bytes = await Bun.file(good).bytes();
  const truncated = join(dir, "truncated.db");
  writeFileSync(truncated, bytes.subarray(0, 1500));
  const newer = join(dir, "newer.db");
  const future = new Database(newer);
  future.run("PRAGMA user_version = 999");
  future.close();
  const cases = [["runs", "--db", dir], ["runs", "--db", join(dir, "good.db", "below-a-file.db")], ["runs", "--db", truncated], ["runs", "--db", newer]];
  for (const args of cases) {
    const ran = await buddy(args);
    expect({ args, code: ran.code }).toEqual({ args, code: 4 });
    const lines = ran.stderr.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).not.toContain("    at ");
  }
  // Root ignores permission bits, so as root the binary runs as `nobody` for this case.
  const readOnly = join(dir, "ro");
  Bun.spawnSync(["mkdir", "-m", "555", readOnly]);
  Bun.spawnSync(["chmod", "755", dir]);
  const asUser = process.getuid?.() === 0 ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] : [];
  const proc = Bun.spawn([...asUser, BUDDY, "run", fixture("all-ok.jsonl"), "--db", join(readOnly, "x.db")], { cwd: readOnly, stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(4);
  expect(stderr.trim().split("\n")).toEqual([`buddy: cannot open store ${join(readOnly, "x.db")}: its folder ${readOnly} is not writable`]);
});

test("a database locked by another process for longer than the busy timeout: one clear line, exit 4, no run", async () => {
  const dir = tempDir();
  const db = join(dir, "locked.db");
  await buddy(["runs", "--db", db]);
  const holder = new Database(db);
  holder.run("BEGIN IMMEDIATE");
  try {
    const ran = await buddy(["run", fixture("all-ok.jsonl"), "--db", db]);
    expect(ran.code).toBe(4);
    expect(ran.stderr.trim().split("\n")).toEqual([`buddy: store ${db} is locked: another connection held it for more than 5000 ms`]);
    expect(ran.stdout).toBe("");
  } finally {
    holder.run("ROLLBACK");
    holder.close();
  }
  expect((await buddy(["runs", "--db", db])).records).toEqual([]);
}, 30_000); // the run waits out the 5 s busy timeout before it gives up

test("resume of a run the store does not know: exit 2 naming it, and no store is created", async () => {
  const dir = tempDir();
  const ran = await buddy(["resume", "no-such-run"], { cwd: dir });
  expect(ran.code).toBe(2);
  expect(ran.stderr).toContain(`no run no-such-run in ${join(dir, ".buddy/buddy.db")}`);
  expect(await Bun.file(join(dir, ".buddy/buddy.db")).exists()).toBe(false);
  const known = await buddy(["run", fixture("demo.jsonl"), "--quiet"], { cwd: dir });
  const other = await buddy(["resume", "no-such-run"], { cwd: dir });
  expect([known.code, other.code]).toEqual([1, 2]);
});
