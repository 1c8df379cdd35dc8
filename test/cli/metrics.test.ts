/**
 * `buddy metrics RUN [--textfile DIR]` (SPEC 1): the run in the OpenMetrics text
 * format, whose figures are those `buddy show` prints, and which `promtool check metrics` and
 * node_exporter read as the Prometheus text format too; the textfile written whole.
 */
import { beforeAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseOpenMetrics, sum, type Family } from "../openmetrics";
import { buddy, fixture, ofType, tempDir } from "./helpers";

/** Two waves: a success, a retried failure, a sandbox violation, a task the live gate rejects, and another success. */
const MIXED = [
  { task_id: "ok", predicted_success_probability: 0.9, code: "return 1" },
  { task_id: "throws", predicted_success_probability: 0.8, max_retries: 2, retry: { base_delay_ms: 1, max_delay_ms: 2 }, code: "throw new Error('boom')" },
  { task_id: "escapes", wave: 2, predicted_success_probability: 0.95, code: "return require('fs')" },
  { task_id: "unsure", wave: 2, predicted_success_probability: 0.05, code: "return 1" },
  { task_id: "ok-2", wave: 2, predicted_success_probability: 0.9, code: "return 2" },
];

const PROMTOOL = Bun.which("promtool");

let dir: string;
let db: string;
/** `buddy show m1 --tasks --attempts`, by record type. */
let shown: { run: any; waves: any[]; tasks: any[]; attempts: any[]; summary: any };
let openMetrics: string;
let families: Family[];

beforeAll(async () => {
  dir = tempDir();
  db = join(dir, "b.db");
  writeFileSync(join(dir, "mixed.jsonl"), MIXED.map((t) => JSON.stringify(t)).join("\n"));
  expect((await buddy(["run", "mixed.jsonl", "--db", db, "--run-id", "m1", "--live", "--quiet", "--seed", "5"], { cwd: dir })).code).toBe(1);
  const show = await buddy(["show", "m1", "--tasks", "--attempts", "--db", db]);
  const [run] = ofType(show.records, "run");
  shown = { run, waves: ofType(show.records, "wave"), tasks: ofType(show.records, "task"), attempts: ofType(show.records, "attempt"), summary: show.records.at(-1) };
  const metrics = await buddy(["metrics", "m1", "--db", db]);
  expect({ code: metrics.code, stderr: metrics.stderr }).toEqual({ code: 0, stderr: "" });
  openMetrics = metrics.stdout;
  families = parseOpenMetrics(openMetrics);
});

/** Runs promtool on `text`; undefined (said once, on the test's output) where it is not installed. */
async function promtool(text: string): Promise<{ code: number; output: string } | undefined> {
  if (!PROMTOOL) {
    console.log("promtool is not installed (Debian: apt-get install prometheus): the promtool check is skipped");
    return undefined;
  }
  const proc = Bun.spawn([PROMTOOL, "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: stdout + stderr };
}

test("the output is OpenMetrics 1.0: every family typed and described, buddy_ names, run_id on every sample", () => {
  const names = families.map((f) => f.name);
  expect(names).toEqual(expect.arrayContaining(["buddy_tasks", "buddy_attempts", "buddy_retries", "buddy_attempt_duration_seconds", "buddy_health_score", "buddy_brier_score", "buddy_expected_calibration_error"]));
  for (const f of families) {
    expect({ name: f.name, typed: f.type !== "unknown", described: (f.help ?? "").length > 0 }).toEqual({ name: f.name, typed: true, described: true });
    expect(f.name.startsWith("buddy_")).toBe(true);
    for (const s of f.samples) {
      expect(s.labels.run_id).toBe("m1");
    }
  }
  expect(families.find((f) => f.name === "buddy_attempt_duration_seconds")).toMatchObject({ type: "histogram", unit: "seconds" });
  expect(openMetrics.endsWith("\n# EOF\n")).toBe(true);
});

test("tasks, retries and health per wave, and the run's calibration, are the figures buddy show prints", () => {
  const { summary, waves, run } = shown;
  for (const status of ["succeeded", "failed", "rejected"]) {
    expect({ status, n: sum(families, "buddy_tasks", { status }) }).toEqual({ status, n: summary.totals[status] });
    for (const w of waves) expect({ wave: w.wave, status, n: sum(families, "buddy_tasks", { wave: String(w.wave), status }) }).toEqual({ wave: w.wave, status, n: w.totals[status] });
  }
  expect(summary.totals.rejected).toBe(1);
  expect(sum(families, "buddy_tasks_pending")).toBe(summary.totals.pending);
  expect(sum(families, "buddy_retries")).toBe(summary.totals.retries);
  expect(summary.totals.retries).toBe(2);
  for (const w of waves) {
    expect(sum(families, "buddy_retries", { wave: String(w.wave) })).toBe(w.totals.retries);
    expect(sum(families, "buddy_wave_health_score", { wave: String(w.wave) })).toBe(w.health_score);
    for (const a of w.anomalies) expect(sum(families, "buddy_anomalies", { wave: String(w.wave), anomaly_type: a.anomaly_type, severity: a.severity })).toBeGreaterThan(0);
  }
  expect(sum(families, "buddy_anomalies")).toBe(waves.reduce((n: number, w: any) => n + w.anomalies.length, 0));
  // Both are rounded to 4 decimals; the run's health is the mean of the waves' scores, which the
  // summary takes before rounding them and the store keeps rounded: one may be 0.0001 off.
  expect(sum(families, "buddy_health_score")).toBeCloseTo(summary.health_score, 3);
  expect(sum(families, "buddy_brier_score")).toBe(summary.brier);
  expect(sum(families, "buddy_expected_calibration_error")).toBe(summary.calibration.ece);
  expect(sum(families, "buddy_run_status", { status: run.status })).toBe(1);
  // The codes of the tasks that did not succeed, as their task records carry them.
  for (const t of shown.tasks.filter((t) => t.status !== "succeeded")) {
    const same = shown.tasks.filter((u) => u.wave === t.wave && u.error?.code === t.error.code).length;
    expect({ task: t.task_id, n: sum(families, "buddy_task_errors", { wave: String(t.wave), code: t.error.code }) }).toEqual({ task: t.task_id, n: same });
  }
  expect(sum(families, "buddy_task_errors")).toBe(summary.totals.failed + summary.totals.rejected);
});

test("attempts per agent and outcome, their error codes and their durations are those of buddy show --attempts", () => {
  const attempts = shown.attempts;
  expect(sum(families, "buddy_attempts")).toBe(shown.summary.totals.attempts);
  const agents = [...new Set(attempts.map((a) => a.agent_id))];
  for (const agent_id of agents) {
    const mine = attempts.filter((a) => a.agent_id === agent_id);
    for (const status of ["succeeded", "failed"]) {
      expect({ agent_id, status, n: sum(families, "buddy_attempts", { agent_id, status }) }).toEqual({ agent_id, status, n: mine.filter((a) => a.status === status).length });
    }
    for (const code of new Set(mine.filter((a) => a.error).map((a) => a.error.code))) {
      expect(sum(families, "buddy_attempt_errors", { agent_id, code })).toBe(mine.filter((a) => a.error?.code === code).length);
    }
    expect(sum(families, "buddy_attempt_duration_seconds_count", { agent_id })).toBe(mine.length);
    expect(sum(families, "buddy_attempt_duration_seconds_sum", { agent_id })).toBe(mine.reduce((s, a) => s + a.duration_ms, 0) / 1000);
    expect(sum(families, "buddy_attempt_duration_seconds_bucket", { agent_id, le: "+Inf" })).toBe(mine.length);
  }
  expect(attempts.filter((a) => a.error?.code === "TASK_ERROR").length).toBe(3);
});

test("promtool check metrics passes the very text on stdout", async () => {
  const checked = await promtool(openMetrics);
  if (checked) expect(checked).toEqual({ code: 0, output: "" });
});

test("a run whose tasks all succeed: families without samples (no errors, no anomalies) stay valid for both readers", async () => {
  const d = tempDir();
  const okDb = join(d, "ok.db");
  expect((await buddy(["run", fixture("all-ok.jsonl"), "--db", okDb, "--run-id", "ok", "--quiet"])).code).toBe(0);
  const om = await buddy(["metrics", "ok", "--db", okDb]);
  const parsed = parseOpenMetrics(om.stdout);
  expect(parsed.find((f) => f.name === "buddy_task_errors")?.samples).toEqual([]);
  expect(sum(parsed, "buddy_tasks", { status: "succeeded" })).toBe(4);
  const checked = await promtool(om.stdout);
  if (checked) expect(checked).toEqual({ code: 0, output: "" });
});

test("--textfile DIR writes DIR/buddy_<run>.prom, the text of stdout, prints nothing, and replaces the file whole", async () => {
  const out = join(tempDir(), "textfile");
  mkdirSync(out);
  const written = await buddy(["metrics", "latest", "--textfile", out, "--db", db]);
  expect(written).toMatchObject({ code: 0, stdout: "", stderr: "" });
  expect(readdirSync(out)).toEqual(["buddy_m1.prom"]);
  const file = join(out, "buddy_m1.prom");
  const text = readFileSync(file, "utf8");
  expect(text).toBe(openMetrics);
  const checked = await promtool(text);
  if (checked) expect(checked).toEqual({ code: 0, output: "" });

  // Written again, the file is a new one renamed over the old (a reader never sees half of it),
  // and a symlink planted at its name is replaced, not written through.
  const before = statSync(file).ino;
  expect((await buddy(["metrics", "m1", "--textfile", out, "--db", db])).code).toBe(0);
  expect(statSync(file).ino).not.toBe(before);
  const elsewhere = join(tempDir(), "victim");
  writeFileSync(elsewhere, "mine\n");
  rmSync(file);
  symlinkSync(elsewhere, file);
  expect((await buddy(["metrics", "m1", "--textfile", out, "--db", db])).code).toBe(0);
  expect(lstatSync(file).isSymbolicLink()).toBe(false);
  expect(readFileSync(elsewhere, "utf8")).toBe("mine\n");
  expect(readFileSync(file, "utf8")).toBe(openMetrics);
  expect(readdirSync(out)).toEqual(["buddy_m1.prom"]);
});

test("a --textfile that is no directory, an unknown run, an unknown option: exit 2 with one clear line, nothing written", async () => {
  const d = tempDir();
  const missing = join(d, "missing");
  const noDir = await buddy(["metrics", "m1", "--textfile", missing, "--db", db]);
  expect(noDir).toMatchObject({ code: 2, stdout: "" });
  expect(noDir.stderr).toBe(`buddy: --textfile ${missing}: no such directory\n`);
  writeFileSync(join(d, "file"), "x");
  const notDir = await buddy(["metrics", "m1", "--textfile", join(d, "file"), "--db", db]);
  expect(notDir.code).toBe(2);
  expect(notDir.stderr).toContain(`--textfile ${join(d, "file")}: is not a directory`);
  expect((await buddy(["metrics", "m1", "--textfile", join(d, "file", "sub"), "--db", db])).code).toBe(2);

  const unknown = await buddy(["metrics", "nope", "--db", db]);
  expect(unknown).toMatchObject({ code: 2, stdout: "" });
  expect(unknown.stderr).toContain(`no run nope in ${db}`);
  expect((await buddy(["metrics", "m1", "--format", "prometheus", "--db", db])).code).toBe(2);

  // Read-only: without a store there is no run, and no database is created.
  const empty = tempDir();
  const none = await buddy(["metrics", "latest"], { cwd: empty });
  expect(none.code).toBe(2);
  expect(none.stderr).toContain("so `latest` names none");
  expect(existsSync(join(empty, ".buddy"))).toBe(false);
  expect(readdirSync(d).sort()).toEqual(["file"]);
});
