/**
 * Scale-out through the compiled binary against a real PostgreSQL server (SPEC 11): a throw-away
 * cluster on loopback, one database per test. A submitter follows the run and prints it; workers
 * claim its attempts; faults are real signals and a real server stop.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "../cli/helpers";
import { NO_SERVER_MESSAGE, serverBinaries, startCluster, type Cluster } from "../pg/cluster";
import { countsOf, start, type Running } from "./processes";

const LOOP = 40_000;
/** The sum a task computes, as its result must show. */
const sumBelow = (n: number) => (n * (n - 1)) / 2;

/** `count` tasks over `waves` waves; every 9th calls a provider mock, whose state lives in the backend. */
function taskFile(dir: string, count: number, waves: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const provider = i % 9 === 0;
    const code = provider
      ? "const c = await providers.ghl.createContact({ first_name: 'F' + input.i, last_name: 'L', email: 'f' + input.i + '@example.com' }); return { i: input.i, s: 0, contact: c.success === true }"
      : `let s = 0; for (let k = 0; k < ${LOOP}; k++) s += k; return { i: input.i, s }`;
    lines.push(JSON.stringify({ task_id: `t${i}`, wave: (i % waves) + 1, predicted_success_probability: 0.9, code, input: { i }, uses: provider ? ["ghl"] : [] }));
  }
  const file = join(dir, "tasks.jsonl");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

function expectRightResults(tasks: any[]): void {
  for (const t of tasks) {
    const i = Number(t.task_id.slice(1));
    if (i % 9 === 0) expect(t.result).toEqual({ i, s: 0, contact: true });
    else expect(t.result).toEqual({ i, s: sumBelow(LOOP) });
  }
}

async function untilRunExists(url: string, run_id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const runs = await buddy(["runs", "--backend", url]);
    if (runs.records.some((r) => r.run_id === run_id)) return;
    await Bun.sleep(50);
  }
  throw new Error(`run ${run_id} never appeared`);
}

/** How many claims the worker with `pid` holds. */
async function claimsOf(url: string, pid: number): Promise<number> {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    const [row] = await sql`SELECT count(*)::int AS n FROM jobs WHERE worker_pid = ${pid} AND state = 'claimed'`;
    return row.n;
  } finally {
    await sql.close();
  }
}

/**
 * SIGSTOPs the first of `workers` found holding claims, checked again once it is frozen (a worker
 * hands claims in every few milliseconds); returns it.
 */
async function frozenWithClaims(url: string, ...workers: Running[]): Promise<Running> {
  for (let i = 0; i < 2000; i++) {
    for (const w of workers) {
      if ((await claimsOf(url, w.proc.pid)) === 0) continue;
      w.proc.kill("SIGSTOP");
      // A hand-in sent just before the stop still lands (and may claim more): count after it.
      await Bun.sleep(300);
      if ((await claimsOf(url, w.proc.pid)) > 0) return w;
      w.proc.kill("SIGCONT");
    }
    await Bun.sleep(5);
  }
  throw new Error("no worker ever held a claim");
}

const worker = (url: string, ...extra: string[]): Running => start(["worker", "--backend", url, "--threads", "1", "--exit-when-idle", ...extra]);

if (serverBinaries() === undefined) {
  describe("fleet on PostgreSQL", () => test.skip(NO_SERVER_MESSAGE, () => {}));
} else {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = (await startCluster())!;
  });
  afterAll(() => cluster?.destroy());

  /** A run of `tasks` tasks over `waves` waves submitted to a fresh database, once it is in the backend. */
  async function submitted(name: string, tasks: number, waves: number, ...args: string[]): Promise<{ url: string; dir: string; submitter: Running }> {
    const url = await cluster.freshDatabase(name);
    const dir = tempDir();
    const file = taskFile(dir, tasks, waves);
    const submitter = start(["run", file, "--backend", url, "--run-id", `${name}1`, ...args], {}, dir);
    await untilRunExists(url, `${name}1`);
    return { url, dir, submitter };
  }

  describe("fleet on PostgreSQL", () => {
    test("a run on the backend prints what the same run prints locally, and the reading commands read it there", async () => {
      const url = await cluster.freshDatabase("same");
      const dir = tempDir();
      // round_robin: no work stealing, so agents are the same whatever finishes first.
      const args = ["run", fixture("demo.jsonl"), "--seed", "7", "--threads", "2", "--run-id", "demo1", "--strategy", "round_robin"];
      const [remote, local] = await Promise.all([buddy([...args, "--backend", url], { cwd: dir }), buddy([...args, "--db", join(dir, "local.db")], { cwd: dir })]);
      expect(remote.code).toBe(local.code);
      const shape = (records: any[]) => ofType(records, "task").map((t) => [t.task_id, t.status, t.attempts, t.result ?? null, t.error?.code ?? null, t.agent_id]).sort();
      expect(shape(remote.records)).toEqual(shape(local.records));
      expect(ofType(remote.records, "wave").map((w) => w.totals)).toEqual(ofType(local.records, "wave").map((w) => w.totals));
      const summary = ofType(remote.records, "summary")[0];
      expect(summary.db).toStartWith("postgres://");
      expect(summary.totals).toEqual(ofType(local.records, "summary")[0].totals);

      const runs = await buddy(["runs", "--backend", url]);
      expect(runs.records.map((r) => r.run_id)).toEqual(["demo1"]);
      const shown = await buddy(["show", "latest", "--tasks", "--backend", url]);
      expect(shown.code).toBe(0);
      expect(shape(shown.records)).toEqual(shape(remote.records));
      const report = await buddy(["report", "demo1", "--format", "json", "--backend", url]);
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout).run.run_id).toBe("demo1");
      expect((await buddy(["violations", "demo1", "--backend", url])).code).toBe(0);
      // The violation log is the backend's too: a worker's attempt touched a blocked name.
      const touching = join(dir, "touch.jsonl");
      const lines = [
        { task_id: "v1", predicted_success_probability: 0.9, code: "return typeof fetch" },
        // Below --min-confidence in a live run: the coordinator's gate refuses it, so no worker ever sees it.
        { task_id: "low", predicted_success_probability: 0.05, code: "return 1" },
      ];
      writeFileSync(touching, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
      const touched = await buddy(["run", touching, "--backend", url, "--threads", "1", "--run-id", "touch1", "--live"], { cwd: dir });
      expect(touched.code).toBe(1);
      expect(ofType(touched.records, "task").find((t) => t.task_id === "low")).toMatchObject({ status: "rejected", attempts: 0, error: { code: "SAFETY_GATE_REJECTED" } });
      const touchedAttempts = ofType((await buddy(["show", "touch1", "--attempts", "--backend", url])).records, "attempt");
      expect(touchedAttempts.map((a) => a.task_id)).toEqual(["v1"]);
      const violations = await buddy(["violations", "touch1", "--backend", url]);
      expect(ofType(violations.records, "violation")).toMatchObject([{ run_id: "touch1", task_id: "v1", attempt: 1 }]);
      // Through the environment too, and a password never shows in what is printed.
      const env = await buddy(["runs"], { env: { BUDDY_BACKEND: url.replace("postgres@", "postgres:s3cret@") } });
      expect(env.code).toBe(0);
      expect(env.stdout + env.stderr).not.toContain("s3cret");
    }, 60_000);

    test("540 tasks over 3 waves, three workers, one SIGKILLed and one SIGSTOPped past its lease: each task printed and stored once, right, waves apart", async () => {
      const { url, submitter } = await submitted("fleet", 540, 3, "--threads", "0", "--seed", "5", "--concurrency", "8");
      const [killed, stopped, steady] = [worker(url, "--lease-ms", "1000"), worker(url, "--lease-ms", "1000"), worker(url, "--lease-ms", "1000")];
      // Killed while it holds claims (a batch claim can leave a worker without any for a while).
      await killed.seen("worker_attempt", 15);
      await frozenWithClaims(url, killed);
      killed.proc.kill("SIGKILL");
      await stopped.seen("worker_attempt", 40);
      // Paused while it holds claims (checked once it is frozen), so it comes back with work taken from it.
      await frozenWithClaims(url, stopped);
      await Bun.sleep(3000);
      stopped.proc.kill("SIGCONT");

      const run = await submitter.done();
      // On failure, the diff shows what the submitter said.
      expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, stderr: "" });
      const counts = countsOf(run.records);
      expect(counts.size).toBe(540);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      const tasks = ofType(run.records, "task");
      expectRightResults(tasks);
      expect(ofType(run.records, "summary")[0]).toMatchObject({ status: "completed", totals: { tasks: 540, succeeded: 540, pending: 0 } });
      expect(ofType(run.records, "wave").map((w) => w.wave)).toEqual([1, 2, 3]);
      expect((await stopped.done()).code).toBe(0);
      expect((await steady.done()).code).toBe(0);
      // The mocks' state is the backend's, one for the run: every worker's contacts are in it.
      const sql = new Bun.SQL(url, { max: 1 });
      const [row] = await sql`SELECT state FROM provider_state WHERE run_id = 'fleet1'`;
      await sql.close();
      const emails = JSON.parse(row.state).ghl.contacts.map((c: any) => c.email).filter((e: string) => /^f\d+@example\.com$/.test(e));
      expect(new Set(emails).size).toBe(60);

      // Stored once each, and what the store holds is what was printed.
      const shown = await buddy(["show", "fleet1", "--tasks", "--attempts", "--backend", url]);
      const stored = ofType(shown.records, "task");
      expect(stored.length).toBe(540);
      expect(new Set(stored.map((t) => t.task_id)).size).toBe(540);
      expectRightResults(stored);
      // The killed worker's attempts in flight ran again elsewhere, each counted as a crash.
      const attempts = ofType(shown.records, "attempt");
      const crashed = attempts.filter((a) => a.error?.code === "AGENT_CRASH");
      expect(crashed.length).toBeGreaterThan(0);
      for (const a of crashed) expect(stored.find((t) => t.task_id === a.task_id).attempts).toBeGreaterThan(a.attempt);
      // A provider call is made at least once per attempt that reached it (an attempt on the
      // killed worker may have made its call before it died), never more.
      for (const t of stored.filter((t) => Number(t.task_id.slice(1)) % 9 === 0)) {
        expect(emails.filter((e: string) => e === `f${t.task_id.slice(1)}@example.com`).length).toBeLessThanOrEqual(t.attempts);
      }
      // The paused worker came back with outcomes of attempts taken from it: refused, and the
      // stored attempt is the crash the coordinator recorded, never the late outcome.
      const late = stopped.records.filter((r) => r.type === "worker_attempt" && r.counted === false);
      expect(late.length).toBeGreaterThan(0);
      for (const r of late) {
        const kept = attempts.find((a) => a.task_id === r.task_id && a.attempt === r.attempt);
        expect(kept.error.code).toBe("AGENT_CRASH");
      }
      // Waves are barriers across machines: no attempt of wave k+1 started before wave k ended.
      const waveOf = (task_id: string) => (Number(task_id.slice(1)) % 3) + 1;
      for (const k of [1, 2]) {
        const lastEnd = Math.max(...stored.filter((t) => waveOf(t.task_id) === k).map((t) => Date.parse(t.ended_at)));
        const firstStart = Math.min(...attempts.filter((a) => waveOf(a.task_id) === k + 1).map((a) => Date.parse(a.started_at)));
        expect(firstStart).toBeGreaterThanOrEqual(lastEnd);
      }
    }, 120_000);

    test("a worker paused in the middle of a provider call stalls nobody: the run finishes while it is still paused, and the healthy worker is not charged", async () => {
      const url = await cluster.freshDatabase("paused");
      const dir = tempDir();
      const code = "let n = 0; for (let k = 0; k < 15; k++) { await providers.ghl.createContact({ first_name: 'F', last_name: 'L', email: 'p' + input.i + '-' + k + '@example.com' }); n++; } return n";
      const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ task_id: `p${i}`, wave: (i % 2) + 1, predicted_success_probability: 0.9, code, input: { i }, uses: ["ghl"] }));
      writeFileSync(join(dir, "calls.jsonl"), lines.join("\n") + "\n");
      const submitter = start(["run", "calls.jsonl", "--backend", url, "--threads", "0", "--run-id", "paused1", "--concurrency", "8", "--mock-error-rate", "0"], {}, dir);
      await untilRunExists(url, "paused1");
      const workers = [worker(url, "--lease-ms", "1000"), worker(url, "--lease-ms", "1000")];
      // Whichever holds claims once calls are under way is paused, with its claims checked frozen.
      await Promise.race(workers.map((w) => w.seen("worker_attempt", 1)));
      const paused = await frozenWithClaims(url, ...workers);
      const healthy = workers.find((w) => w !== paused)!;
      const run = await submitter.done();
      paused.proc.kill("SIGCONT");
      expect(run.code).toBe(0);
      const counts = countsOf(run.records);
      expect(counts.size).toBe(20);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      for (const t of ofType(run.records, "task")) expect(t.result).toBe(15);
      expect((await healthy.done()).records.filter((r) => r.counted === false)).toEqual([]);
      await paused.done();
    }, 120_000);

    test("a server restart mid-run: the follower and the workers reconnect, and the run completes with every task once", async () => {
      const { url, submitter } = await submitted("restart", 300, 2, "--threads", "1", "--seed", "9", "--concurrency", "4");
      const helper = worker(url);
      await submitter.seen("task", 60);
      cluster.stop();
      await Bun.sleep(2000);
      cluster.start();
      const run = await submitter.done();
      if (run.code !== 0) console.log(`submitter exited ${run.code}, stderr:\n${run.stderr}\nlast record: ${JSON.stringify(run.records.at(-1))}`);
      expect(run.code).toBe(0);
      const counts = countsOf(run.records);
      expect(counts.size).toBe(300);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expectRightResults(ofType(run.records, "task"));
      expect((await helper.done()).code).toBe(0);
      const stored = ofType((await buddy(["show", "restart1", "--tasks", "--backend", url])).records, "task");
      expect(new Set(stored.map((t) => t.task_id)).size).toBe(300);
    }, 120_000);

    test("the backend gone for longer than --backend-timeout: exit 4 naming it, and the run resumes once it is back", async () => {
      const url = await cluster.freshDatabase("gone");
      const dir = tempDir();
      const file = taskFile(dir, 200, 2);
      const submitter = start(["run", file, "--backend", url, "--backend-timeout", "2", "--threads", "1", "--run-id", "gone1", "--seed", "3"], {}, dir);
      await submitter.seen("task", 20);
      cluster.stop();
      const stoppedAt = Date.now();
      const run = await submitter.done();
      cluster.start();
      expect(run.code).toBe(4);
      expect(run.stderr).toContain("unreachable");
      expect(run.stderr).toContain(url.slice(0, url.lastIndexOf("/")));
      expect(Date.now() - stoppedAt).toBeLessThan(30_000);
      const printed = countsOf(run.records);
      const resumed = await buddy(["resume", "gone1", "--backend", url], { cwd: dir });
      if (resumed.code !== 0) console.log(`resume stderr:\n${resumed.stderr}`);
      expect(resumed.code).toBe(0);
      // Together the two print every task once: the resume runs only what was not finished.
      for (const [id, n] of countsOf(resumed.records)) printed.set(id, (printed.get(id) ?? 0) + n);
      expect(printed.size).toBe(200);
      expect([...printed.values()].every((n) => n === 1)).toBe(true);
      expect(ofType(resumed.records, "summary")[0]).toMatchObject({ status: "completed", totals: { succeeded: 200 } });
    }, 120_000);

    test("SIGTERM: a worker stops claiming, hands in what it started, gives the rest back, and exits 143", async () => {
      const { url, submitter } = await submitted("term", 240, 1, "--threads", "0", "--seed", "4", "--concurrency", "8");
      const first = worker(url);
      await first.seen("worker_attempt", 20);
      first.proc.kill("SIGTERM");
      const stoppedWorker = await first.done();
      expect(stoppedWorker.code).toBe(143);
      expect(stoppedWorker.records.every((r) => r.type === "worker_attempt" && r.counted === true)).toBe(true);
      const second = worker(url);
      const run = await submitter.done();
      expect(run.code).toBe(0);
      expect((await second.done()).code).toBe(0);
      // Nothing was lost or run twice: released jobs were never started, so no attempt crashed.
      const shown = await buddy(["show", "term1", "--tasks", "--attempts", "--backend", url]);
      expect(ofType(shown.records, "task").length).toBe(240);
      expect(ofType(shown.records, "attempt").every((a) => a.attempt === 1 && a.status === "succeeded")).toBe(true);
    }, 120_000);

    test("resume of a run coordinated elsewhere follows it, printing each record once, and takes it over when its coordinator is killed", async () => {
      const { url, submitter } = await submitted("follow", 300, 3, "--threads", "0", "--seed", "8", "--concurrency", "1");
      const helper = worker(url);
      await submitter.seen("task", 20);
      const follower = start(["resume", "follow1", "--backend", url]);
      await follower.seen("task", 40);
      submitter.proc.kill("SIGKILL");
      const followed = await follower.done();
      expect(followed.stderr).toContain("following it");
      expect(followed.stderr).toContain("took over the lease");
      expect(followed.code).toBe(0);
      const counts = countsOf(followed.records);
      expect(counts.size).toBe(300);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expectRightResults(ofType(followed.records, "task"));
      expect(ofType(followed.records, "wave").map((w) => w.wave)).toEqual([1, 2, 3]);
      expect(ofType(followed.records, "summary")[0]).toMatchObject({ status: "completed", totals: { succeeded: 300 } });
      expect((await helper.done()).code).toBe(0);
    }, 120_000);

    test("jobs written into the backend by someone else cannot crash a worker: unreadable or out-of-bounds requests fail as AGENT_CRASH, hostile code in its sandbox", async () => {
      const url = await cluster.freshDatabase("hostile");
      expect((await buddy(["run", fixture("demo.jsonl"), "--backend", url, "--threads", "1", "--run-id", "h1"])).code).toBe(1);
      const request = (code: string, extra: object = {}) =>
        JSON.stringify({ code, inputJson: "null", task: { id: "csv-parse", wave: 1, attempt: 1, agent_id: "agent_0" }, timeoutMs: 200, memoryMb: 16, randomSeed: 1, ...extra });
      const sql = new Bun.SQL(url, { max: 1 });
      const jobs: [number, string][] = [
        [91, "not json at all"],
        [92, request("return 1", { memoryMb: 1e9 })],
        [93, request("return 1", { task: null })],
        [94, request("while (true) {}")],
        [95, request("return globalThis.fetch === undefined")],
      ];
      for (const [attempt, text] of jobs) await sql`INSERT INTO jobs (run_id, task_id, attempt, request) VALUES ('h1', 'csv-parse', ${attempt}, ${text})`;
      await sql.close();
      const w = await buddy(["worker", "--backend", url, "--threads", "1", "--exit-when-idle"]);
      expect(w.code).toBe(0);
      const byAttempt = new Map(ofType(w.records, "worker_attempt").map((r) => [r.attempt, r]));
      expect([...byAttempt.keys()].sort()).toEqual([91, 92, 93, 94, 95]);
      for (const a of [91, 92, 93]) expect(byAttempt.get(a)).toMatchObject({ status: "failed", code: "AGENT_CRASH", counted: true });
      expect(byAttempt.get(94)).toMatchObject({ status: "failed", code: "TIMEOUT" });
      expect(byAttempt.get(95)).toMatchObject({ status: "succeeded" });
    }, 60_000);

    test("an outcome written into the backend by someone else that this buddy cannot read counts as a crash, not as the coordinator's", async () => {
      const url = await cluster.freshDatabase("forged");
      const dir = tempDir();
      writeFileSync(join(dir, "one.jsonl"), JSON.stringify({ task_id: "only", predicted_success_probability: 0.9, code: "return 41 + 1" }) + "\n");
      const submitter = start(["run", "one.jsonl", "--backend", url, "--threads", "0", "--run-id", "forged1", "--base-delay-ms", "10"], {}, dir);
      await untilRunExists(url, "forged1");
      const sql = new Bun.SQL(url, { max: 1 });
      const forged = JSON.stringify({ ok: true, durationMs: 1, console: [], consoleTruncated: false, violations: [], resultJson: "{not json" });
      for (let i = 0; ; i++) {
        const rows = await sql`UPDATE jobs SET state = 'done', outcome = ${forged} WHERE run_id = 'forged1' AND state = 'queued' RETURNING attempt`;
        if (rows.length > 0) break;
        if (i > 400) throw new Error("the job never showed up");
        await Bun.sleep(10);
      }
      await sql.close();
      const helper = worker(url);
      const run = await submitter.done();
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain("internal error");
      expect(ofType(run.records, "task")).toMatchObject([{ task_id: "only", status: "succeeded", attempts: 2, result: 42 }]);
      const attempts = ofType((await buddy(["show", "forged1", "--attempts", "--backend", url])).records, "attempt");
      expect(attempts[0]).toMatchObject({ attempt: 1, error: { code: "AGENT_CRASH" } });
      expect((await helper.done()).code).toBe(0);
    }, 60_000);

    test("forged tokens, states and leases in the queue neither crash a worker nor stall the run", async () => {
      const url = await cluster.freshDatabase("tokens");
      const dir = tempDir();
      const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ task_id: `k${i}`, predicted_success_probability: 0.9, code: `return ${i}` }));
      writeFileSync(join(dir, "five.jsonl"), lines.join("\n") + "\n");
      const submitter = start(["run", "five.jsonl", "--backend", url, "--threads", "0", "--run-id", "tokens1", "--base-delay-ms", "10", "--concurrency", "2"], {}, dir);
      await untilRunExists(url, "tokens1");
      const sql = new Bun.SQL(url, { max: 1 });
      while ((await sql`SELECT count(*)::int AS n FROM jobs WHERE run_id = 'tokens1' AND state = 'queued'`)[0].n < 5) await Bun.sleep(10);
      // Beyond 2^53 (a float would round it), at the bigint's end, and states no worker writes.
      await sql`UPDATE jobs SET token = 1152921504606846977 WHERE task_id = 'k0'`;
      await sql`UPDATE jobs SET token = 9223372036854775807 WHERE task_id = 'k1'`;
      await sql`UPDATE jobs SET state = 'claimed', worker = NULL, lease_until = NULL WHERE task_id = 'k2'`;
      await sql`UPDATE jobs SET state = 'claimed', worker = 'x', lease_until = 9223372036854775807 WHERE task_id = 'k3'`;
      await sql`UPDATE jobs SET state = 'weird' WHERE task_id = 'k4'`;
      await sql.close();
      const helper = worker(url);
      const run = await submitter.done();
      expect(run.code).toBe(0);
      const tasks = ofType(run.records, "task");
      expect(tasks.map((t) => [t.task_id, t.result]).sort()).toEqual([["k0", 0], ["k1", 1], ["k2", 2], ["k3", 3], ["k4", 4]]);
      for (const t of tasks) expect(t.attempts).toBe(t.task_id <= "k1" ? 1 : 2);
      const helped = await helper.done();
      expect(helped.code).toBe(0);
      expect(helped.records.every((r) => r.counted === true)).toBe(true);
    }, 60_000);

    test("a backend with a newer schema is refused with exit 4; bad backend flags are usage errors", async () => {
      const url = await cluster.freshDatabase("newer");
      expect((await buddy(["runs", "--backend", url])).code).toBe(0);
      expect((await buddy(["run", fixture("demo.jsonl"), "--backend", url, "--threads", "1"])).code).toBe(1);
      const sql = new Bun.SQL(url, { max: 1 });
      await sql.unsafe("UPDATE buddy_schema SET version = 99");
      await sql.close();
      const newer = await buddy(["runs", "--backend", url]);
      expect(newer.code).toBe(4);
      expect(newer.stderr).toContain("newer schema version 99");

      const local = await buddy(["run", fixture("demo.jsonl"), "--threads", "0"]);
      expect(local.code).toBe(2);
      expect(local.stderr).toContain("--threads 0");
      const noBackend = await buddy(["worker"]);
      expect(noBackend.code).toBe(2);
      expect(noBackend.stderr).toContain("--backend");
      const wrong = await buddy(["runs", "--backend", "mysql://user:pw@host/db"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).not.toContain("pw@");
      // URLs the client itself refuses are the user's to fix, named without their password.
      for (const bad of [`${url}?sslmode=bogus`, url.replace("postgres@", "postgres:S3C%RET@")]) {
        const refused = await buddy(["runs", "--backend", bad]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).not.toContain("internal error");
        expect(refused.stderr).not.toContain("S3C");
      }
    }, 60_000);
  });
}
