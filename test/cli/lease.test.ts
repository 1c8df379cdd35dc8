/**
 * One process executes a run at a time (SPEC 9.1), through the binary: resumes started together,
 * `kill -9` then resume, a paused owner taken over after its lease period, and the lease freed
 * on every kind of exit.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, tempDir } from "./helpers";

/** `count` tasks that each compute for about `ms` milliseconds, in two waves. */
function slowTasks(dir: string, count: number, ms: number): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ task_id: `t${i}`, wave: 1 + (i % 2), predicted_success_probability: 0.9, code: `const end = Date.now() + ${ms}; while (Date.now() < end) {} return ${i};` }),
  );
  const path = join(dir, "tasks.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const parse = (text: string) => text.split("\n").flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });

function spawn(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([BUDDY, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, BUDDY_DB: "", ...env } });
  const out = new Response(proc.stdout).text();
  const err = new Response(proc.stderr).text();
  return { proc, pid: proc.pid, done: async () => ({ code: await proc.exited, records: parse(await out), stderr: await err }) };
}

/** Starts a run and kills it with SIGKILL once it has reported a task: an unfinished run. */
async function killedRun(file: string, db: string, run_id: string): Promise<any[]> {
  const proc = Bun.spawn([BUDDY, "run", file, "--db", db, "--run-id", run_id, "--threads", "1", "--quiet"], { stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes('"type":"task"')) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  proc.kill("SIGKILL");
  await proc.exited;
  return parse(text.slice(0, text.lastIndexOf("\n")));
}

/** The store's task rows and lease of a run. */
function stored(db: string, run_id: string) {
  const store = new Database(db, { readonly: true });
  try {
    // A writer may be switching a new file to WAL at this moment.
    store.run("PRAGMA busy_timeout = 5000");
    const tasks = store.query("SELECT task_id, state, result_json FROM tasks WHERE run_id = ?").all(run_id) as any[];
    const lease = store.query("SELECT token, owner FROM run_leases WHERE run_id = ?").get(run_id) as any;
    return { tasks, lease };
  } finally {
    store.close();
  }
}

/** The run's lease, or undefined while the store is not there yet. */
function leaseOf(db: string, run_id: string): { token: number; owner: string | null } | undefined {
  try {
    return stored(db, run_id).lease ?? undefined;
  } catch {
    return undefined;
  }
}

/** Every task printed once across all processes, each as the store holds it, and every task final. */
function expectExactlyOnce(printed: any[], db: string, run_id: string, count: number): void {
  const tasks = printed.filter((r) => r.type === "task");
  expect(tasks.map((t) => t.task_id).sort()).toEqual(Array.from({ length: count }, (_, i) => `t${i}`).sort());
  const rows = new Map(stored(db, run_id).tasks.map((r) => [r.task_id, r]));
  expect(rows.size).toBe(count);
  for (const t of tasks) expect([t.task_id, t.status, t.result]).toEqual([t.task_id, rows.get(t.task_id).state, JSON.parse(rows.get(t.task_id).result_json)]);
}

test("two resumes started together, eight times over: exactly one executes, the other exits 4 naming it", async () => {
  const dir = tempDir();
  const file = slowTasks(dir, 40, 40);
  const db = join(dir, "buddy.db");
  for (let round = 0; round < 8; round++) {
    const run_id = `race-${round}`;
    const before = await killedRun(file, db, run_id);
    const pair = [spawn(["resume", run_id, "--db", db, "--quiet"]), spawn(["resume", run_id, "--db", db, "--quiet"])];
    const [a, b] = await Promise.all(pair.map((p) => p.done()));
    const results = [{ ...a!, pid: pair[0]!.pid }, { ...b!, pid: pair[1]!.pid }];
    const loser = results.find((r) => r.code === 4);
    const winner = results.find((r) => r.code !== 4);
    expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
    expect(loser!.records).toEqual([]);
    expect(loser!.stderr).toContain(`run ${run_id} is being executed by another process: pid ${winner!.pid} on host`);
    expectExactlyOnce([...before, ...winner!.records], db, run_id, 40);
    expect(winner!.records.at(-1)).toMatchObject({ type: "summary", status: "completed" });
    // Released on the way out: the next resume only reports the finished run.
    expect(stored(db, run_id).lease.owner).toBeNull();
  }
}, 120_000);

test("kill -9, then resume at once: the dead owner's lease is taken over, with no wait for its period", async () => {
  const dir = tempDir();
  const file = slowTasks(dir, 30, 20);
  const db = join(dir, "buddy.db");
  const proc = Bun.spawn([BUDDY, "run", file, "--db", db, "--run-id", "k9", "--threads", "1", "--quiet"], { stdout: "pipe", stderr: "pipe" });
  const out = new Response(proc.stdout).text();
  for (let i = 0; i < 300 && !(await Bun.file(db).exists()); i++) await Bun.sleep(10);
  await Bun.sleep(300);
  proc.kill("SIGKILL");
  await proc.exited;
  expect(stored(db, "k9").lease).toMatchObject({ token: 1, owner: expect.any(String) });
  // The default lease period is 30 s; the test's own timeout is shorter than that plus the run.
  const resumed = await buddy(["resume", "k9", "--db", db]);
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toContain(`took over the lease of pid ${proc.pid}`);
  expectExactlyOnce([...parse(await out), ...resumed.records], db, "k9", 30);
  expect(stored(db, "k9").lease).toEqual({ token: 2, owner: null });
}, 25_000);

test("a paused owner blocks others until its lease period passes; taken over, it stops with exit 4 and prints nothing more", async () => {
  const dir = tempDir();
  const file = slowTasks(dir, 60, 40);
  const db = join(dir, "buddy.db");
  const env = { BUDDY_LEASE_MS: "1000" };
  const before = await killedRun(file, db, "paused");
  const owner = spawn(["resume", "paused", "--db", db, "--quiet"], env);
  // The killed run left its lease (token 1) behind; the resume's own is token 2.
  for (let i = 0; i < 500 && leaseOf(db, "paused")?.token !== 2; i++) await Bun.sleep(10);
  owner.proc.kill("SIGSTOP");
  // Paused but alive, with a fresh heartbeat: a resume, or a run naming the run, is refused.
  const refused = await buddy(["resume", "paused", "--db", db], { env });
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain(`pid ${owner.pid} on host`);
  const rerun = await buddy(["run", file, "--run-id", "paused", "--db", db], { env });
  expect(rerun.code).toBe(4);
  expect(rerun.stderr).toContain(`pid ${owner.pid} on host`);
  expect(rerun.stdout).toBe("");
  await Bun.sleep(1500);
  const taker = spawn(["resume", "paused", "--db", db], env);
  for (let i = 0; i < 500 && leaseOf(db, "paused")?.token !== 3; i++) await Bun.sleep(10);
  owner.proc.kill("SIGCONT");
  const [old, now] = await Promise.all([owner.done(), taker.done()]);
  expect(old.code).toBe(4);
  expect(old.stderr).toContain("run paused is no longer this process's to execute: it was taken over by pid");
  expect(old.records.filter((r) => r.type === "summary")).toEqual([]);
  expect(now.code).toBe(0);
  expect(now.stderr).toContain(`took over the lease of pid ${owner.pid}`);
  expectExactlyOnce([...before, ...old.records, ...now.records], db, "paused", 60);
}, 60_000);

test("the lease is released when a run completes, and when it is interrupted (SIGINT 130, SIGTERM 143)", async () => {
  const dir = tempDir();
  const file = slowTasks(dir, 40, 40);
  const db = join(dir, "buddy.db");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const run = spawn(["run", file, "--db", db, "--run-id", signal, "--threads", "1", "--quiet"]);
    for (let i = 0; i < 500 && leaseOf(db, signal)?.owner == null; i++) await Bun.sleep(10);
    run.proc.kill(signal);
    const ended = await run.done();
    expect(ended.code).toBe(signal === "SIGINT" ? 130 : 143);
    expect(stored(db, signal).lease).toEqual({ token: 1, owner: null });
    const resumed = await buddy(["resume", signal, "--db", db, "--quiet"]);
    expect(resumed.code).toBe(0);
    expect(stored(db, signal).lease).toEqual({ token: 2, owner: null });
  }
}, 60_000);

test("BUDDY_LEASE_MS that is not a whole number of at least 100 ms is a usage error, exit 2, nothing stored", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", slowTasks(dir, 1, 1), "--db", join(dir, "x.db")], { env: { BUDDY_LEASE_MS: "5s" } });
  expect(ran.code).toBe(2);
  expect(ran.stderr).toContain("BUDDY_LEASE_MS");
  expect(await Bun.file(join(dir, "x.db")).exists()).toBe(false);
});
