/**
 * `buddy export RUN [--status …]` (SPEC 1): the run's tasks as an input file whose `script`
 * paths resolve from where it is read, so `buddy export latest --status failed | buddy run -`
 * re-runs the failures, reading the scripts again (fixed since, perhaps).
 */
import { expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, fixture, ofType, tempDir } from "./helpers";

/** A project folder holding fixtures/errors (tasks and their script), and its store beside it. */
function project(): { root: string; proj: string; db: string } {
  const root = tempDir();
  const proj = join(root, "proj");
  cpSync(fixture("errors"), proj, { recursive: true });
  return { root, proj, db: join(root, "b.db") };
}

const statuses = (records: any[]) => Object.fromEntries(ofType(records, "task").map((t) => [t.task_id, t.status]));

test("export latest --status failed | buddy run - re-runs exactly the failures; a fixed script then succeeds", async () => {
  const { proj, db } = project();
  const first = await buddy(["run", "tasks.jsonl", "--db", db, "--max-retries", "0"], { cwd: proj });
  expect(first.code).toBe(1);
  const failed = Object.entries(statuses(first.records)).filter(([, s]) => s === "failed").map(([id]) => id).sort();
  expect(failed).toContain("script");

  const exported = await buddy(["export", "latest", "--status", "failed", "--db", db], { cwd: proj });
  expect(exported.code).toBe(0);
  const lines = exported.stdout.trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.map((l) => l.task_id).sort()).toEqual(failed);
  expect(lines.find((l) => l.task_id === "script")).toMatchObject({ script: "calc.js", input: { lines: null } });
  expect(lines.find((l) => l.task_id === "script").code).toBeUndefined();

  const again = await buddy(["run", "-", "--db", db, "--max-retries", "0"], { cwd: proj, stdin: exported.stdout });
  expect(again.code).toBe(1);
  expect(Object.keys(statuses(again.records)).sort()).toEqual(failed);
  expect(Object.values(statuses(again.records)).every((s) => s === "failed")).toBe(true);

  // The script is read again: fixed, its task now succeeds.
  writeFileSync(join(proj, "calc.js"), "return (input.lines ?? []).length;\n");
  const fixed = await buddy(["run", "-", "--db", db, "--max-retries", "0"], { cwd: proj, stdin: exported.stdout });
  expect(ofType(fixed.records, "task").find((t) => t.task_id === "script")).toMatchObject({ status: "succeeded", result: 0 });
});

test("every task exported validates and keeps its fields: ids, probabilities, code, input, unknown fields", async () => {
  const dir = tempDir();
  const db = join(dir, "b.db");
  const input = join(dir, "in.jsonl");
  const lines = [
    { task_id: "a", wave: 2, priority: 3, predicted_success_rate: 0.8, code: "return input.n", input: { n: 1 }, owner: "ops", __proto__x: 1 },
    { task_id: "b", wave: 1, predicted_success_probability: 0.6, risk_assessment: "LOW", code: "return 2", timeout_ms: 900, max_retries: 1, approved: true },
  ];
  writeFileSync(input, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  expect((await buddy(["run", input, "--db", db, "--run-id", "r1"])).code).toBe(0);
  const exported = await buddy(["export", "r1", "--db", db], { cwd: dir });
  const out = exported.stdout.trim().split("\n").map((l) => JSON.parse(l));
  // Wave then input order; defaults written out; the alias becomes the field it stands for; unknown fields come back.
  expect(out).toEqual([
    { task_id: "b", wave: 1, priority: 2, predicted_success_probability: 0.6, predicted_execution_time: 1, risk_assessment: "LOW", code: "return 2", timeout_ms: 900, max_retries: 1, approved: true },
    { task_id: "a", wave: 2, priority: 3, predicted_success_probability: 0.8, predicted_execution_time: 1, code: "return input.n", input: { n: 1 }, owner: "ops", __proto__x: 1 },
  ]);
  const file = join(dir, "again.jsonl");
  writeFileSync(file, exported.stdout);
  expect((await buddy(["validate", file])).code).toBe(0);
});

test("--output FILE names scripts relative to FILE's directory and writes the file whole", async () => {
  const { root, proj, db } = project();
  await buddy(["run", "tasks.jsonl", "--db", db, "--run-id", "e1", "--max-retries", "0"], { cwd: proj });
  const out = join(root, "rerun.jsonl");
  const exported = await buddy(["export", "e1", "--status", "failed", "--output", out, "--db", db], { cwd: tempDir() });
  expect(exported.code).toBe(0);
  expect(exported.stdout).toBe("");
  expect(readFileSync(out, "utf8")).toContain('"script":"proj/calc.js"');
  expect(readdirSync(root).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  // It validates, but for the one task whose code can never compile.
  const checked = await buddy(["validate", out]);
  expect(checked.records[0].problems).toEqual([expect.stringMatching(/^.*rerun\.jsonl:\d+: code: does not compile: SyntaxError: .* \(at task\.js:2:\d+\)$/)]);
});

test("a script that would lie outside where the file is read: exit 2 naming the task, and nothing is printed or written", async () => {
  const { proj, db } = project();
  await buddy(["run", "tasks.jsonl", "--db", db, "--run-id", "e2", "--max-retries", "0"], { cwd: proj });
  const elsewhere = tempDir();
  const printed = await buddy(["export", "e2", "--db", db], { cwd: elsewhere });
  expect(printed.code).toBe(2);
  expect(printed.stdout).toBe("");
  expect(printed.stderr).toContain("task script's script");
  expect(printed.stderr).toContain("--output FILE");
  mkdirSync(join(proj, "sub"));
  const written = await buddy(["export", "e2", "--db", db, "--output", join(proj, "sub", "x.jsonl")]);
  expect(written.code).toBe(2);
  expect(existsSync(join(proj, "sub", "x.jsonl"))).toBe(false);
});

test("--status pending exports what a halted run did not finish; a bad status or run is exit 2", async () => {
  const { proj, db } = project();
  const halted = await buddy(["run", "tasks.jsonl", "--db", db, "--run-id", "h1", "--fail-fast", "--agents", "1", "--max-retries", "0"], { cwd: proj });
  expect(halted.code).toBe(3);
  const pending = ofType(halted.records, "summary")[0].totals.pending;
  const exported = await buddy(["export", "h1", "--status", "pending", "--db", db], { cwd: proj });
  expect(exported.stdout.trim().split("\n").filter(Boolean)).toHaveLength(pending);
  const bad = await buddy(["export", "h1", "--status", "failed,broken", "--db", db], { cwd: proj });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("succeeded, failed, rejected, pending");
  expect((await buddy(["export", "nope", "--db", db])).code).toBe(2);
});
