/**
 * Crash safety (SPEC 9.1): kill -9 at random moments loses nothing that was reported, and
 * resuming finishes the run with exactly one final record per task.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRng } from "../../src/core";
import { BUDDY, tempDir } from "./helpers";

const TASKS = 3000;
const KILLS = 6;

function taskFile(dir: string): string {
  const lines = Array.from({ length: TASKS }, (_, i) => {
    // Some work per task, some failures that are retried, some that are not, and some that wait
    // on provider calls, interleaved in their executors with the others.
    const waits = i % 7 === 3;
    const code = i % 97 === 0
      ? "if (task.attempt < 2) throw new Error('flaky'); return task.attempt;"
      : i % 89 === 0
        ? "throw Object.assign(new Error('bad input'), { retryable: false });"
        : waits
          ? `for (let k = 0; k < 2; k++) { try { await providers.ghl.getContact('c${i}'); } catch (e) {} } return { i: ${i}, waited: true };`
          : `let s = 0; for (let k = 0; k < 20000; k++) s = (s + k * ${i}) % 1000003; return { i: ${i}, s };`;
    return JSON.stringify({ task_id: `t${i}`, wave: 1 + (i % 3), predicted_success_probability: 0.9, code, retry: { base_delay_ms: 5, jitter: 0 }, ...(waits && { uses: ["ghl"] }) });
  });
  const path = join(dir, "tasks.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** Complete JSON lines only: a kill can cut the last line short. */
const linesOf = (text: string) =>
  text.split("\n").flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });

test(`SIGKILL ${KILLS} times at random moments, resume each time: one final record per task, nothing reported is lost`, async () => {
  const dir = tempDir();
  const file = taskFile(dir);
  const db = join(dir, "crash.db");
  const args = [BUDDY, "run", file, "--run-id", "crash", "--db", db, "--seed", "5", "--quiet", "--concurrency", "4", "--mock-latency-ms", "30"];
  const rng = createRng(20261124);
  const printed: any[] = [];
  let kills = 0;
  let finalCode: number | undefined;
  for (let round = 0; finalCode === undefined; round++) {
    const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
    const out = new Response(proc.stdout).text();
    if (kills < KILLS) {
      await Bun.sleep(120 + Math.floor(rng.next() * 500));
      if (proc.exitCode === null) {
        proc.kill("SIGKILL");
        kills++;
      }
    }
    const code = await proc.exited;
    printed.push(...linesOf(await out));
    if (code !== 137 && code !== null && proc.signalCode !== "SIGKILL") finalCode = code;
    expect(round).toBeLessThan(KILLS + 3);
  }
  expect(kills).toBe(KILLS);
  expect(finalCode).toBe(1); // some tasks fail by design

  const store = new Database(db, { readonly: true });
  expect(store.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
  const rows = store.query("SELECT task_id, state, attempts, result_json, error FROM tasks WHERE run_id = 'crash'").all() as any[];
  expect(rows.length).toBe(TASKS);
  expect(rows.filter((r) => !["succeeded", "failed"].includes(r.state))).toEqual([]);
  const stored = new Map(rows.map((r) => [r.task_id, r]));

  const tasks = printed.filter((r) => r.type === "task");
  expect(tasks.length).toBeGreaterThan(0);
  expect(new Set(tasks.map((t) => t.task_id)).size).toBe(tasks.length); // never printed twice
  for (const t of tasks) {
    const row = stored.get(t.task_id)!;
    expect([t.task_id, t.status, t.attempts]).toEqual([row.task_id, row.state, row.attempts]);
    if (t.status === "succeeded") expect(t.result).toEqual(JSON.parse(row.result_json));
    else expect(t.error.code).toBe(JSON.parse(row.error).code);
  }
  const summary = printed.filter((r) => r.type === "summary").at(-1);
  expect(summary).toMatchObject({ run_id: "crash", status: "failed" });
  expect(summary.totals.tasks).toBe(TASKS);
  expect(summary.totals.succeeded + summary.totals.failed).toBe(TASKS);
  const flaky = rows.filter((r) => Number(r.task_id.slice(1)) % 97 === 0);
  expect(flaky).toHaveLength(Math.ceil(TASKS / 97));
  expect(flaky.filter((r) => !(r.state === "succeeded" && r.attempts >= 2))).toEqual([]);
  const waited = rows.filter((r) => r.result_json?.includes('"waited":true'));
  expect(waited.length).toBeGreaterThan(TASKS / 8);
  store.close();
}, 120_000);
