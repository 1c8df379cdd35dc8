/**
 * A simulated run of the Phase 20 fixture tree through the harness (on an in-memory store and
 * virtual time) the way `buddy run DIR --simulate` runs it (plan → outcome → monitor → signals →
 * store → report). Each test names a behaviour the original Phase 21 suite checked
 * (reference/original.md §3); the executor's are in test/executor/.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StrategyName } from "../../src/config";
import type { Task } from "../../src/core";
import { loadRunReport, resumeRun } from "../../src/harness";
import { readTasks } from "../../src/input";
import { createAgents, planWave } from "../../src/manager";
import { Monitor } from "../../src/monitor";
import { markdownReport, outDirFiles, writeOutDir, type RunReport } from "../../src/report";
import { harness, newWorld, storeRun } from "../fakes/harness";

const TREE = join(import.meta.dir, "../../fixtures/phase20");

async function phase20Tasks(): Promise<Task[]> {
  const tasks: Task[] = [];
  for await (const item of readTasks(TREE, { simulate: true })) if (item.kind === "task") tasks.push(item.task);
  return tasks;
}

/**
 * Runs the tasks as `buddy run DIR --simulate` does, through the harness on an in-memory store
 * and virtual time (busy = 10 ms per predicted second), and reads the report back as
 * `buddy report` does.
 */
async function simulate(tasks: readonly Task[], seed: number, strategy: StrategyName = "load_balanced", agentCount = 4): Promise<RunReport> {
  const { db, clock } = newWorld();
  const run_id = `sim-${seed}`;
  await storeRun(db, run_id, tasks.map((t) => ({ ...t })), { simulate: true, time_scale: 0.01, strategy, agents: agentCount, seed });
  const h = harness(db, clock, {});
  await resumeRun(run_id, h.deps);
  return loadRunReport(h.deps.store, run_id, clock.now());
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("agents and wave plans", () => {
  test("four agents agent_0..agent_3 start with empty records", () => {
    expect(createAgents(4).map((a) => [a.agent_id, a.succeeded + a.not_succeeded, a.marked_failed])).toEqual([["agent_0", 0, false], ["agent_1", 0, false], ["agent_2", 0, false], ["agent_3", 0, false]]);
  });

  test("a Phase 20 tree loads every task, with each agent's prediction", async () => {
    const tasks = await phase20Tasks();
    expect(tasks.length).toBe(32);
    expect(tasks.every((t) => Object.keys(t.agent_predictions!).length === 4)).toBe(true);
  });

  test("each of a wave's 12 tasks is assigned one of the 4 agents, and the plan counts them", async () => {
    const tasks = (await phase20Tasks()).filter((t) => t.wave === 2);
    const { placements, plan } = planWave(2, tasks, createAgents(4), "round_robin", 1);
    expect(placements).toHaveLength(12);
    expect(placements.every((p) => /^agent_[0-3]$/.test(p.agent.agent_id))).toBe(true);
    expect([plan.agents.length, plan.tasks]).toEqual([4, 12]);
    expect(plan.load_balance_score).toBeGreaterThan(0);
    expect(plan.load_balance_score).toBeLessThanOrEqual(1);
  });

  test("each agent's performance in a wave: its tasks there, their success rate and latency", async () => {
    const report = await simulate(await phase20Tasks(), 7);
    const third = report.waves[2]!;
    const perf = third.signals.find((s) => s.signal_type === "agent_performance")!;
    if (perf.signal_type !== "agent_performance") throw new Error("unreachable");
    expect(perf.content.agents.map((a) => a.agent_id)).toEqual(["agent_0", "agent_1", "agent_2", "agent_3"]);
    const busy = perf.content.agents.filter((x) => x.tasks > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      const own = third.observation.tasks.filter((t) => t.agent_id === a.agent_id);
      const succeeded = own.filter((t) => t.status === "succeeded").length;
      expect([a.agent_id, a.tasks, a.success_rate]).toEqual([a.agent_id, own.length, Math.round((succeeded / own.length) * 1e4) / 1e4]); // rounded for people
      expect(a.mean_latency_ms).toBeGreaterThan(0);
    }
  });
});

describe("learning signals", () => {
  test("every executed task is validated: predicted, actual and their error", async () => {
    const report = await simulate(await phase20Tasks(), 7);
    const validation = report.waves[0]!.signals.find((s) => s.signal_type === "prediction_validation")!;
    if (validation.signal_type !== "prediction_validation") throw new Error("unreachable");
    expect(validation.content.tasks).toHaveLength(10);
    for (const t of validation.content.tasks) expect(t.error).toBeCloseTo(Math.abs(t.predicted - t.actual), 12);
  });

  test("each wave gives four signal types, multi_agent_coordination among them", async () => {
    const report = await simulate(await phase20Tasks(), 7);
    expect(report.waves.map((w) => w.signals.length)).toEqual([4, 4, 4]);
    expect(report.waves[0]!.signals.map((s) => s.signal_type)).toContain("multi_agent_coordination");
  });

  test("feedback files land in phase16, phase18 and phase20", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-behaviours-"));
    dirs.push(dir);
    await writeOutDir(dir, await simulate(await phase20Tasks(), 7));
    for (const phase of [16, 18, 20]) {
      const lines = (await readFile(join(dir, `phase${phase}/phase21_feedback.jsonl`), "utf8")).trim().split("\n");
      expect(lines.length).toBe(phase === 18 ? 6 : 3);
    }
  });
});

describe("monitor", () => {
  test("a new monitor remembers nothing", () => {
    expect(new Monitor().history).toEqual({ agents: {}, recent: [], health_scores: [] });
  });

  test("every wave's metrics are in [0, 1], its health in [0, 100] with a status", async () => {
    const report = await simulate(await phase20Tasks(), 7);
    expect(report.waves).toHaveLength(3);
    for (const w of report.waves) {
      for (const v of Object.values(w.health.metrics)) expect(v >= 0 && v <= 1).toBe(true);
      expect(w.health.health_score >= 0 && w.health.health_score <= 100).toBe(true);
      expect(["EXCELLENT", "GOOD", "FAIR", "POOR"]).toContain(w.health.health_status);
    }
  });

  test("anomalies are records with a type and a severity", async () => {
    const report = await simulate(await phase20Tasks(), 7, "round_robin", 3);
    const anomalies = report.waves.flatMap((w) => w.anomalies);
    expect(anomalies.length).toBeGreaterThan(0);
    for (const a of anomalies) {
      expect(["agent_failure", "coordination_issue", "prediction_drift", "load_imbalance"]).toContain(a.anomaly_type);
      expect(["HIGH", "MEDIUM", "LOW"]).toContain(a.severity);
    }
  });
});

describe("the run as a whole", () => {
  test("the --out tree has wave_1..3/agent_0..3 and the Phase 21 report", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-behaviours-"));
    dirs.push(dir);
    await writeOutDir(dir, await simulate(await phase20Tasks(), 7));
    for (const w of [1, 2, 3]) expect((await readdir(join(dir, `wave_${w}`))).filter((d) => d.startsWith("agent_")).sort()).toEqual(["agent_0", "agent_1", "agent_2", "agent_3"]);
    expect(await readFile(join(dir, "PHASE_21_AUTONOMOUS_EXECUTION.md"), "utf8")).toContain("## Executive Summary");
  });

  test("every task reaches a final state in its own wave, the waves in order", async () => {
    const tasks = await phase20Tasks();
    const report = await simulate(tasks, 7);
    expect(report.waves.map((w) => w.wave)).toEqual([1, 2, 3]);
    expect(report.summary.totals.succeeded + report.summary.totals.failed).toBe(tasks.length);
    for (const w of report.waves) expect(w.observation.tasks.every((t) => t.task.wave === w.wave)).toBe(true);
  });

  test("the same seed gives the same outcomes, signals and files; another seed differs", async () => {
    const tasks = await phase20Tasks();
    const outcomes = (r: RunReport) => r.tasks.map((t) => `${t.task_id}:${t.status}`).join(",");
    expect(JSON.stringify(outDirFiles(await simulate(tasks, 7)))).toBe(JSON.stringify(outDirFiles(await simulate(tasks, 7))));
    expect(outcomes(await simulate(tasks, 7))).not.toBe(outcomes(await simulate(tasks, 8)));
    expect(markdownReport(await simulate(tasks, 7))).toBe(markdownReport(await simulate(tasks, 7)));
  });
});
