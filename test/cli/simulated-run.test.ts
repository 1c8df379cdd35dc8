/** Issue 4 end to end through the binary: Phase 20 input, --out, signals, anomalies, JUnit, gates. */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { all, parseXml } from "../report/xml";
import { buddy, fixture, ofType, tempDir } from "./helpers";

const SPEC_9_2_RUN_FILES = [
  "phase21_system_health.json",
  "phase21_execution_summary.json",
  "phase21_learning_signals.jsonl",
  "PHASE_21_AUTONOMOUS_EXECUTION.md",
  "report.html",
  "phase16/phase21_feedback.jsonl",
  "phase18/phase21_feedback.jsonl",
  "phase20/phase21_feedback.jsonl",
  "sandbox_violation_log.jsonl",
];
const WAVE_FILES = ["system_health.json", "learning_signals.jsonl", "anomalies.jsonl", "coordination_plan.json"];
const AGENT_FILES = ["agent_assignments.jsonl", "executed_tasks.jsonl", "agent_metrics.jsonl", "agent_feedback.jsonl"];
const jsonl = (path: string) => readFileSync(path, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
/** Signals without their timestamps, which differ between runs by design. */
const signalContents = (out: string) => jsonl(join(out, "phase21_learning_signals.jsonl")).map(({ generated_at, ...rest }) => rest);

test("a Phase 20 tree runs simulated with --out: every SPEC 9.2 file; the same seed twice gives the same outcomes and signals", async () => {
  const runOnce = async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const ran = await buddy(["run", fixture("phase20"), "--simulate", "--seed", "7", "--run-id", "phase20-seed7", "--out", out, "--junit", join(dir, "junit.xml"), "--quiet"], { cwd: dir });
    return { dir, out, ran };
  };
  const first = await runOnce();
  expect([0, 1]).toContain(first.ran.code);
  for (const file of SPEC_9_2_RUN_FILES) expect({ file, exists: existsSync(join(first.out, file)) }).toEqual({ file, exists: true });
  for (const wave of [1, 2, 3]) {
    for (const file of WAVE_FILES) expect(existsSync(join(first.out, `wave_${wave}`, file))).toBe(true);
    for (let agent = 0; agent < 4; agent++) for (const file of AGENT_FILES) expect(existsSync(join(first.out, `wave_${wave}/agent_${agent}`, file))).toBe(true);
  }
  const tasks = ofType(first.ran.records, "task");
  expect(tasks.length).toBe(32);
  expect(tasks.every((t) => t.result?.simulated === true || t.error?.code === "TASK_ERROR")).toBe(true);

  // Every signal type is in the run file and in its phase's file (16: heuristics, 18: agents and coordination, 20: predictions).
  const signals = jsonl(join(first.out, "phase21_learning_signals.jsonl"));
  expect(new Set(signals.map((s) => s.signal_type))).toEqual(new Set(["agent_performance", "multi_agent_coordination", "heuristic_feedback", "prediction_validation"]));
  const phaseTypes = (phase: number) => new Set(jsonl(join(first.out, `phase${phase}/phase21_feedback.jsonl`)).map((s) => s.signal_type));
  expect(phaseTypes(16)).toEqual(new Set(["heuristic_feedback"]));
  expect(phaseTypes(18)).toEqual(new Set(["agent_performance", "multi_agent_coordination"]));
  expect(phaseTypes(20)).toEqual(new Set(["prediction_validation"]));

  // JUnit: well-formed XML with one testcase per task; failures carry their code.
  const junit = parseXml(readFileSync(join(first.dir, "junit.xml"), "utf8"));
  const cases = all(junit, "testcase");
  expect(cases.length).toBe(32);
  expect(cases.filter((c) => all(c, "failure").length > 0).length).toBe(tasks.filter((t) => t.status !== "succeeded").length);

  const second = await runOnce();
  const outcome = (t: any) => [t.task_id, t.status, t.attempts, JSON.stringify(t.result ?? t.error)];
  expect(ofType(second.ran.records, "task").map(outcome).sort()).toEqual(tasks.map(outcome).sort());
  expect(signalContents(second.out)).toEqual(signalContents(first.out));
});

test("an agent whose tasks always fail raises agent_failure (HIGH) and gets no tasks in the next wave", async () => {
  const ran = await buddy(["run", fixture("agent-failure.jsonl"), "--strategy", "round_robin", "--agents", "4", "--seed", "1", "--quiet"]);
  const waves = ofType(ran.records, "wave");
  const failure = waves[0].anomalies.find((a: any) => a.anomaly_type === "agent_failure");
  expect(failure).toMatchObject({ severity: "HIGH", affected_agents: ["agent_1"] });
  expect(waves[0].failed_next_wave).toEqual(["agent_1"]);
  expect(waves[1].failed_agents).toEqual(["agent_1"]);
  expect(ofType(ran.records, "task").filter((t) => t.wave === 2 && t.agent_id === "agent_1")).toEqual([]);
});

test("predictions far off raise prediction_drift; skewed busy times raise load_imbalance", async () => {
  const drift = await buddy(["run", fixture("drift.jsonl"), "--seed", "1", "--quiet"]);
  expect(ofType(drift.records, "wave")[0].anomalies.map((a: any) => a.anomaly_type)).toContain("prediction_drift");
  const skewed = await buddy(["run", fixture("skewed.jsonl"), "--seed", "1", "--quiet"]);
  const anomaly = ofType(skewed.records, "wave")[0].anomalies.find((a: any) => a.anomaly_type === "load_imbalance");
  expect(anomaly).toMatchObject({ severity: "LOW" });
});

test("safety gates: recorded as would_reject in dry run and the task runs; in live mode the task is rejected, never attempted", async () => {
  const risky = JSON.stringify({ task_id: "risky", predicted_success_probability: 0.6, risk_assessment: "HIGH", code: "return 'ran'" });
  const dry = await buddy(["run", "-", "--quiet"], { stdin: risky });
  expect(ofType(dry.records, "task")[0]).toMatchObject({ status: "succeeded", result: "ran" });
  const live = await buddy(["run", "-", "--live", "--quiet"], { stdin: risky });
  expect(live.code).toBe(1);
  expect(ofType(live.records, "task")[0]).toMatchObject({ status: "rejected", attempts: 0, error: { code: "SAFETY_GATE_REJECTED", retryable: false } });
  const report = await buddy(["report", live.records.at(-1).run_id, "--format", "json"], { cwd: undefined });
  expect(report.code).toBe(2); // another working directory: another database
});

test("buddy report prints the stored run as Markdown with the sections of SPEC 9.3, and as JSON", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", fixture("demo.jsonl"), "--seed", "3", "--quiet"], { cwd: dir });
  const run_id = ran.records.at(-1).run_id;
  const md = await buddy(["report", run_id, "--format", "md"], { cwd: dir });
  expect(md.code).toBe(0);
  for (const section of ["Executive Summary", "Failed Tasks", "Wave Breakdown", "Agent Performance", "Anomalies & Alerts", "Learning Signals", "Calibration", "Recommendations"]) {
    expect(md.stdout).toContain(section);
  }
  const json = await buddy(["report", run_id, "--format", "json"], { cwd: dir });
  const parsed = JSON.parse(json.stdout);
  expect(parsed.tasks.length).toBe(30);
  expect(parsed.waves.length).toBe(3);
});

test("buddy calibrate fits a simulated run's outcomes and rewrites a task file, keeping the raw probability", async () => {
  const dir = tempDir();
  await buddy(["run", fixture("phase20"), "--simulate", "--seed", "7", "--run-id", "cal", "--quiet"], { cwd: dir });
  const fit = await buddy(["calibrate", "cal"], { cwd: dir });
  expect(fit.code).toBe(0);
  const record = fit.records[0];
  expect(record).toMatchObject({ type: "calibration", runs: [{ run_id: "cal", pairs: 32 }], pairs: 32 });
  expect(record.cross_validated.raw.brier).toBeGreaterThan(0);
  const steps = record.fit.steps.map((s: any) => s.value);
  expect(steps).toEqual([...steps].sort((a: number, b: number) => a - b)); // monotone
  const applied = await buddy(["calibrate", "cal", "--apply", fixture("demo.jsonl")], { cwd: dir });
  expect(applied.records.length).toBe(30);
  expect(applied.records.every((t) => typeof t.raw_predicted_success_probability === "number" && t.predicted_success_probability >= 0 && t.predicted_success_probability <= 1)).toBe(true);
  // The calibrated file validates as the original does: demo.jsonl's syntax-error task is its one problem.
  const validated = await buddy(["validate", "-"], { stdin: applied.stdout });
  expect(validated.records[0].problems).toEqual([expect.stringMatching(/^<stdin>:19: code: does not compile/)]);
  expect((await buddy(["calibrate", "cal", "--apply", fixture("invalid/four-problems.jsonl")], { cwd: dir })).code).toBe(2);
  // A Phase 20 tree is input, but has no task lines of its own to rewrite: a usage error, not a crash.
  const tree = await buddy(["calibrate", "cal", "--apply", fixture("phase20")], { cwd: dir });
  expect([tree.code, tree.stdout]).toEqual([2, ""]);
  expect(tree.stderr).toContain("is a directory");
});
