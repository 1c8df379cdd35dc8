/**
 * `buddy calibrate RUN… [--apply FILE [--output OUT]]` (SPEC 7) through the binary: runs pooled,
 * a refusal under 20 pairs, figures out of sample, shrinkage, and an applied file that validates
 * from wherever it is written.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, tempDir } from "./helpers";

interface Line {
  task_id: string;
  p: number;
  ok: boolean;
  /** Approved unless said otherwise, so a low p still runs in a live run. */
  approved?: boolean;
}

/** Tasks whose outcome is known before they run: `ok` returns, the others throw. */
const taskLine = ({ task_id, p, ok, approved = true }: Line) =>
  JSON.stringify({ task_id, predicted_success_probability: p, approved, code: ok ? "return 1" : "throw new Error('no')" });

/** `n` tasks at p, the first `successes` of them succeeding. */
const at = (prefix: string, p: number, n: number, successes: number): Line[] =>
  Array.from({ length: n }, (_, i) => ({ task_id: `${prefix}-${i}`, p, ok: i < successes }));

/** Runs `lines` as run `run_id` in `dir`'s store; what failed is not retried. */
async function runOf(dir: string, run_id: string, lines: Line[], extra: string[] = []): Promise<void> {
  const file = join(dir, `${run_id}.jsonl`);
  writeFileSync(file, lines.map(taskLine).join("\n") + "\n");
  const ran = await buddy(["run", file, "--run-id", run_id, "--max-retries", "0", "--quiet", ...extra], { cwd: dir });
  expect([0, 1]).toContain(ran.code);
}

const fourDecimals = (x: number) => Math.abs(x * 1e4 - Math.round(x * 1e4)) < 1e-6;

test("under 20 pairs it refuses to fit: exit 2, saying how many pairs from which runs and how many are needed", async () => {
  const dir = tempDir();
  await runOf(dir, "small", [...at("a", 0.95, 19, 10), { task_id: "unsure", p: 0.05, ok: true, approved: false }], ["--live"]);
  const refused = await buddy(["calibrate", "small"], { cwd: dir });
  expect(refused.code).toBe(2);
  expect(refused.stdout).toBe("");
  // The task the gate rejected never ran, so it is no pair: 19, not 20.
  expect(refused.stderr).toContain("run small has 19 (prediction, outcome) pair(s)");
  expect(refused.stderr).toContain("at least 20");
  expect((await buddy(["calibrate", "latest"], { cwd: dir })).stderr).toContain("run small has 19");
});

test("the pairs of several runs are pooled: two runs too small alone fit together; the same run twice counts once", async () => {
  const dir = tempDir();
  await runOf(dir, "r1", [...at("x", 0.3, 6, 2), ...at("y", 0.8, 6, 5)]);
  await runOf(dir, "r2", [...at("x", 0.3, 6, 1), ...at("y", 0.8, 6, 6)]);
  const alone = await buddy(["calibrate", "r1"], { cwd: dir });
  expect(alone.code).toBe(2);
  expect(alone.stderr).toContain("run r1 has 12");
  const twice = await buddy(["calibrate", "r1", "r1"], { cwd: dir });
  expect(twice.code).toBe(2);
  expect(twice.stderr).toContain("run r1 has 12");

  const pooled = await buddy(["calibrate", "r1", "latest"], { cwd: dir });
  expect(pooled.code).toBe(0);
  expect(pooled.records).toHaveLength(1);
  const record = pooled.records[0];
  expect(record).toMatchObject({ type: "calibration", runs: [{ run_id: "r1", pairs: 12 }, { run_id: "r2", pairs: 12 }], pairs: 24, shrinkage: 10 });
  expect(record.pooled_rate).toBe(0.5833); // 14 of 24, to 4 decimals
  expect(record.fit.steps.reduce((s: number, x: any) => s + x.n, 0)).toBe(24);
});

test("what it reports is out of sample: cross-validated Brier and ECE, raw and calibrated, not the in-sample ~0", async () => {
  const dir = tempDir();
  // Predictions that mostly match what happens: in sample, an isotonic fit of them has ECE 0.
  const lines = [0.1, 0.3, 0.5, 0.7, 0.9].flatMap((p, i) => at(`b${i}`, p, 10, Math.round(p * 10)));
  await runOf(dir, "fit", lines);
  const fit = await buddy(["calibrate", "fit"], { cwd: dir });
  expect(fit.code).toBe(0);
  const { cross_validated: cv, fit: map } = fit.records[0];
  expect(cv.folds).toBe(5);
  for (const side of [cv.raw, cv.calibrated]) expect(Object.keys(side).sort()).toEqual(["brier", "ece"]);
  expect(cv.calibrated.ece).toBeGreaterThan(0.01);
  expect(cv.calibrated.brier).toBeGreaterThan(0.1);
  expect(cv.raw.ece).toBe(0); // every band observed exactly at its prediction
  expect(fit.records[0].after).toBeUndefined();
  for (const x of [cv.raw.brier, cv.raw.ece, cv.calibrated.brier, cv.calibrated.ece, ...map.steps.map((s: any) => s.value)]) expect(fourDecimals(x)).toBe(true);
  // Deterministic folds: the same figures every time.
  expect((await buddy(["calibrate", "fit"], { cwd: dir })).records[0]).toEqual(fit.records[0]);
});

test("blocks of few pairs are shrunk toward the pooled rate: 4 lucky tasks at p = 0.2 do not map to 1.0", async () => {
  const dir = tempDir();
  await runOf(dir, "lucky", [...at("low", 0.1, 30, 3), ...at("lucky", 0.2, 4, 4)]);
  const fit = await buddy(["calibrate", "lucky"], { cwd: dir });
  expect(fit.code).toBe(0);
  const values = fit.records[0].fit.steps.map((s: any) => s.value);
  expect(values).toEqual([...values].sort((a: number, b: number) => a - b));
  // (4 + 10 × 7/34) / (4 + 10)
  expect(Math.max(...values)).toBe(0.4328);

  writeFileSync(join(dir, "next.jsonl"), JSON.stringify({ task_id: "n", predicted_success_probability: 0.2, code: "return 1" }) + "\n");
  const applied = await buddy(["calibrate", "lucky", "--apply", "next.jsonl"], { cwd: dir });
  expect(applied.records).toEqual([{ task_id: "n", predicted_success_probability: 0.4328, code: "return 1", raw_predicted_success_probability: 0.2 }]);
});

/** A project folder: a task file with a script task, the alias, and both fields; a run of 24 outcomes in root's store. */
async function project(): Promise<{ root: string; proj: string; db: string[] }> {
  const root = tempDir();
  const proj = join(root, "proj");
  mkdirSync(join(proj, "scripts"), { recursive: true });
  writeFileSync(join(proj, "scripts", "add.js"), "return input.a + input.b;\n");
  const lines = [
    { task_id: "s", predicted_success_probability: 0.9, script: "scripts/add.js", input: { a: 1, b: 2 } },
    { task_id: "alias", predicted_success_rate: 0.3, code: "return 1", owner: "ops" },
    { task_id: "both", predicted_success_probability: 0.9, predicted_success_rate: 0.9, code: "return 2" },
  ];
  writeFileSync(join(proj, "tasks.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  await runOf(root, "past", [...at("lo", 0.3, 12, 6), ...at("hi", 0.9, 12, 9)]);
  return { root, proj, db: ["--db", join(root, ".buddy", "buddy.db")] };
}

test("--apply --output FILE: calibrated probabilities, raw kept, the alias calibrated, scripts named from FILE's directory; it validates from anywhere", async () => {
  const { root, proj, db } = await project();
  const out = join(root, "next.jsonl");
  const applied = await buddy(["calibrate", "past", ...db, "--apply", join(proj, "tasks.jsonl"), "--output", out], { cwd: tempDir() });
  expect(applied.code).toBe(0);
  // stdout is free with --output: the fit that was applied.
  expect(applied.records).toEqual([expect.objectContaining({ type: "calibration", pairs: 24 })]);
  const [lo, hi] = applied.records[0].fit.steps.map((s: any) => s.value);
  const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(lines).toEqual([
    { task_id: "s", predicted_success_probability: hi, script: "proj/scripts/add.js", input: { a: 1, b: 2 }, raw_predicted_success_probability: 0.9 },
    { task_id: "alias", predicted_success_rate: lo, code: "return 1", owner: "ops", raw_predicted_success_probability: 0.3 },
    { task_id: "both", predicted_success_probability: hi, predicted_success_rate: hi, code: "return 2", raw_predicted_success_probability: 0.9 },
  ]);
  // From another directory; even --strict finds only the user's own unknown field, not raw_predicted_success_probability.
  const elsewhere = tempDir();
  expect((await buddy(["validate", out], { cwd: elsewhere })).code).toBe(0);
  const strict = await buddy(["validate", out, "--strict"], { cwd: elsewhere });
  expect(strict.records[0].problems).toEqual([expect.stringMatching(/next\.jsonl:2: owner: unknown field/)]);
  const ran = await buddy(["run", out, "--quiet"], { cwd: elsewhere });
  expect(ran.records.find((r) => r.task_id === "s")).toMatchObject({ status: "succeeded", result: 3, predicted_success_probability: hi });
});

test("--apply to stdout names scripts from the working directory, so the output pipes into buddy validate -", async () => {
  const { root, db } = await project();
  const applied = await buddy(["calibrate", "past", ...db, "--apply", "proj/tasks.jsonl"], { cwd: root });
  expect(applied.code).toBe(0);
  expect(applied.records[0].script).toBe("proj/scripts/add.js");
  expect((await buddy(["validate", "-"], { cwd: root, stdin: applied.stdout })).code).toBe(0);
  // stdin works as FILE too: it is read once and validated before anything is printed.
  const piped = await buddy(["calibrate", "past", ...db, "--apply", "-"], { cwd: root, stdin: readFileSync(join(root, "proj", "tasks.jsonl"), "utf8").replaceAll("scripts/", "proj/scripts/") });
  expect(piped.stdout).toBe(applied.stdout);
});

test("a script the written file could not name (outside its directory): exit 2 naming the task, nothing printed or written", async () => {
  const { root, proj, db } = await project();
  const printed = await buddy(["calibrate", "past", ...db, "--apply", join(proj, "tasks.jsonl")], { cwd: tempDir() });
  expect([printed.code, printed.stdout]).toEqual([2, ""]);
  expect(printed.stderr).toContain("task s's script");
  expect(printed.stderr).toContain("--output FILE");
  mkdirSync(join(proj, "sub"));
  const out = join(proj, "sub", "next.jsonl");
  const written = await buddy(["calibrate", "past", ...db, "--apply", join(proj, "tasks.jsonl"), "--output", out], { cwd: root });
  expect([written.code, written.stdout]).toEqual([2, ""]);
  expect(existsSync(out)).toBe(false);
  expect((await buddy(["calibrate", "past", ...db, "--output", out], { cwd: root })).code).toBe(2);
});
