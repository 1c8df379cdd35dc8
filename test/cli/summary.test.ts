/**
 * The summary says what failed (SPEC 3): `failed_tasks` (the first 100, by wave then input order),
 * `exit_code` (the code the process exits with), `totals.pending`, and the task that halted a
 * --fail-fast run.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";
import { start } from "../fleet/processes";

const MIXED = fixture("summary/mixed.jsonl");

test("a failed run lists its failed and rejected tasks with their codes, in wave then input order, and its exit code", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", MIXED, "--db", join(dir, "b.db"), "--live", "--max-retries", "0", "--seed", "1"]);
  expect(ran.code).toBe(1);
  const [summary] = ofType(ran.records, "summary");
  expect(summary).toMatchObject({ status: "failed", exit_code: 1, halted_by: null, totals: { tasks: 7, failed: 2, rejected: 1, pending: 0 } });
  expect(summary.failed_tasks).toEqual([
    { task_id: "s0", code: "TASK_ERROR" },
    { task_id: "s3", code: "TASK_ERROR" },
    { task_id: "gated", code: "SAFETY_GATE_REJECTED" },
  ]);
  // What `show` prints of the stored run is the same summary.
  const shown = ofType((await buddy(["show", summary.run_id, "--db", join(dir, "b.db")])).records, "summary");
  expect(shown).toEqual([summary]);
});

test("a run that succeeds lists no failed task and exits 0, as its summary says", async () => {
  const ran = await buddy(["run", fixture("all-ok.jsonl"), "--db", join(tempDir(), "b.db")]);
  expect(ran.code).toBe(0);
  expect(ofType(ran.records, "summary")[0]).toMatchObject({ status: "completed", exit_code: 0, failed_tasks: [], halted_by: null, totals: { pending: 0 } });
});

test("--fail-fast names the task that halted the run; the tasks not run are pending; exit code 3 in the summary too", async () => {
  const ran = await buddy(["run", MIXED, "--db", join(tempDir(), "b.db"), "--fail-fast", "--max-retries", "0", "--agents", "1", "--seed", "1"]);
  expect(ran.code).toBe(3);
  const [summary] = ofType(ran.records, "summary");
  expect(summary).toMatchObject({ status: "halted", exit_code: 3, halted_by: { task_id: "s0", code: "TASK_ERROR" } });
  expect(summary.failed_tasks[0]).toEqual({ task_id: "s0", code: "TASK_ERROR" });
  expect(summary.totals.pending).toBe(7 - ofType(ran.records, "task").length);
  expect(summary.totals.pending).toBeGreaterThan(0);
});

test("of 130 failed tasks the summary lists the first 100 of the input, and totals count all 130", async () => {
  const dir = tempDir();
  const file = join(dir, "many.jsonl");
  const lines = Array.from({ length: 130 }, (_, i) => JSON.stringify({ task_id: `f${String(i).padStart(3, "0")}`, wave: i < 65 ? 2 : 1, predicted_success_probability: 0.5, code: "throw new Error('x')" }));
  writeFileSync(file, lines.join("\n") + "\n");
  const ran = await buddy(["run", file, "--db", join(dir, "b.db"), "--max-retries", "0"]);
  expect(ran.code).toBe(1);
  const [summary] = ofType(ran.records, "summary");
  expect(summary.totals.failed).toBe(130);
  // Wave 1 (f065…f129) first, then wave 2 in input order.
  const expected = [...Array.from({ length: 65 }, (_, i) => 65 + i), ...Array.from({ length: 35 }, (_, i) => i)].map((i) => `f${String(i).padStart(3, "0")}`);
  expect(summary.failed_tasks.map((f: any) => f.task_id)).toEqual(expected);
});

test("an interrupted run's summary has the exit code of its signal", async () => {
  const dir = tempDir();
  const file = join(dir, "slow.jsonl");
  const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ task_id: `w${i}`, predicted_success_probability: 0.9, code: "const end = Date.now() + 300; while (Date.now() < end) {} return 1" }));
  writeFileSync(file, lines.join("\n") + "\n");
  const run = start(["run", file, "--db", join(dir, "b.db"), "--threads", "1", "--quiet"], {}, dir);
  await run.seen("task", 1);
  run.proc.kill("SIGTERM");
  const ended = await run.done();
  expect(ended.code).toBe(143);
  expect(ofType(ended.records, "summary")[0]).toMatchObject({ status: "interrupted", exit_code: 143 });
});
