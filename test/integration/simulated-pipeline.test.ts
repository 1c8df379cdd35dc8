/**
 * A simulated run of the Phase 20 fixture tree through the real components with a seeded RNG: a
 * pure pipeline that replays it the way `buddy run DIR --simulate` does (plan → outcome →
 * monitor → signals → report). Each test names a behaviour the original Phase 21 suite checked
 * (reference/original.md §3); the executor's are in test/executor/.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, deriveSeed, type Task, type TaskObservation, type WaveObservation } from "../../src/core";
import { waveSignals } from "../../src/feedback";
import { readTasks } from "../../src/input";
import { createAgents, planWave, type AgentState } from "../../src/manager";
import { Monitor } from "../../src/monitor";
import { buildRunReport, markdownReport, outDirFiles, reportWave, writeOutDir, type ReportTask, type ReportWave, type RunReport } from "../../src/report";
import type { StrategyName } from "../../src/config";

const TREE = join(import.meta.dir, "../../fixtures/phase20");
const T0 = 1_767_225_600_000;

async function phase20Tasks(): Promise<Task[]> {
  const tasks: Task[] = [];
  for await (const item of readTasks(TREE, { simulate: true })) if (item.kind === "task") tasks.push(item.task);
  return tasks;
}

/** Simulates a run as SPEC 4.5 says: success drawn from the seed per task; busy = 10 ms per predicted second. */
function simulate(tasks: readonly Task[], seed: number, strategy: StrategyName = "load_balanced", agentCount = 4): RunReport {
  const agents: AgentState[] = createAgents(agentCount);
  const monitor = new Monitor();
  const waves: ReportWave[] = [];
  const reportTasks: ReportTask[] = [];
  let clock = T0;
  for (const n of [...new Set(tasks.map((t) => t.wave))].sort((a, b) => a - b)) {
    const { placements, plan } = planWave(n, tasks.filter((t) => t.wave === n), agents, strategy, 1);
    const started = clock;
    const lane = new Map(agents.map((a) => [a.agent_id, started]));
    const observed: TaskObservation[] = placements.map(({ task, agent }) => {
      const ok = createRng(deriveSeed(seed, "simulate", task.task_id)).next() < task.predicted_success_probability;
      const busy = Math.round(task.predicted_execution_time * 10);
      const start = lane.get(agent.agent_id)!;
      lane.set(agent.agent_id, start + busy);
      agent[ok ? "succeeded" : "failed"]++;
      agent.busy_ms += busy;
      return {
        task_id: task.task_id, wave: n, agent_id: agent.agent_id, status: ok ? "succeeded" : "failed", attempts: 1,
        predicted_success_probability: task.predicted_success_probability, risk_assessment: task.risk_assessment, priority: task.priority,
        attempt_durations_ms: [busy], duration_ms: busy, started_at: start, ended_at: start + busy,
        error: ok ? null : { code: "TASK_ERROR", message: "simulated failure", retryable: false }, simulated: true,
      };
    });
    clock = Math.max(...lane.values());
    const observation: WaveObservation = {
      run_id: `sim-${seed}`, wave: n, strategy, steals: 0, tasks: observed, started_at: started, ended_at: clock,
      agents: agents.map((a) => ({ agent_id: a.agent_id, busy_ms: observed.filter((t) => t.agent_id === a.agent_id).reduce((s, t) => s + t.duration_ms, 0), failed: a.failed_flag })),
      plan: { planned_load: plan.planned_load, expected_makespan: plan.expected_makespan, load_balance_score: plan.load_balance_score, parallelization_factor: plan.parallelization_factor },
    };
    const verdict = monitor.observe(observation);
    for (const a of agents) a.failed_flag = verdict.failed_next_wave.includes(a.agent_id);
    const assignments = placements.map((p) => ({ task_id: p.task.task_id, agent_id: p.agent.agent_id, wave: n, strategy, predicted_success_probability: p.task.predicted_success_probability, priority: p.task.priority, assigned_at: started, reason: p.reason }));
    waves.push(reportWave({ observation, plan, assignments, verdict, signals: waveSignals(observation, { generated_at: new Date(clock).toISOString() }) }));
    for (const t of observed) {
      reportTasks.push({
        task_id: t.task_id, wave: n, agent_id: t.agent_id, status: t.status, predicted_success_probability: t.predicted_success_probability,
        priority: t.priority, risk_assessment: t.risk_assessment, predicted_execution_time: 1, simulated: true,
        attempts: [{ attempt: 1, agent_id: t.agent_id, started_at: t.started_at, ended_at: t.ended_at, duration_ms: t.duration_ms, status: t.status === "succeeded" ? "succeeded" : "failed", error: t.error }],
        error: t.error, started_at: t.started_at, ended_at: t.ended_at, duration_ms: t.duration_ms, gate_decisions: [],
      });
    }
  }
  return buildRunReport({
    generated_at: new Date(clock).toISOString(),
    run: { run_id: `sim-${seed}`, status: "failed", input: TREE, seed, options: { strategy, agents: agentCount, simulate: true }, created_at: T0, started_at: T0, ended_at: clock },
    waves, tasks: reportTasks, violations: [],
  });
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("agents and wave plans", () => {
  test("four agents agent_0..agent_3 start with empty records", () => {
    expect(createAgents(4).map((a) => [a.agent_id, a.succeeded + a.failed, a.failed_flag])).toEqual([["agent_0", 0, false], ["agent_1", 0, false], ["agent_2", 0, false], ["agent_3", 0, false]]);
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
    const report = simulate(await phase20Tasks(), 7);
    const third = report.waves[2]!;
    const perf = third.signals.find((s) => s.signal_type === "agent_performance")!;
    if (perf.signal_type !== "agent_performance") throw new Error("unreachable");
    expect(perf.content.agents.map((a) => a.agent_id)).toEqual(["agent_0", "agent_1", "agent_2", "agent_3"]);
    const busy = perf.content.agents.filter((x) => x.tasks > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      const own = third.observation.tasks.filter((t) => t.agent_id === a.agent_id);
      const succeeded = own.filter((t) => t.status === "succeeded").length;
      expect([a.agent_id, a.tasks, a.success_rate]).toEqual([a.agent_id, own.length, succeeded / own.length]);
      expect(a.mean_latency_ms).toBeGreaterThan(0);
    }
  });
});

describe("learning signals", () => {
  test("every executed task is validated: predicted, actual and their error", async () => {
    const report = simulate(await phase20Tasks(), 7);
    const validation = report.waves[0]!.signals.find((s) => s.signal_type === "prediction_validation")!;
    if (validation.signal_type !== "prediction_validation") throw new Error("unreachable");
    expect(validation.content.tasks).toHaveLength(10);
    for (const t of validation.content.tasks) expect(t.error).toBeCloseTo(Math.abs(t.predicted - t.actual), 12);
  });

  test("each wave gives four signal types, multi_agent_coordination among them", async () => {
    const report = simulate(await phase20Tasks(), 7);
    expect(report.waves.map((w) => w.signals.length)).toEqual([4, 4, 4]);
    expect(report.waves[0]!.signals.map((s) => s.signal_type)).toContain("multi_agent_coordination");
  });

  test("feedback files land in phase16, phase18 and phase20", async () => {
    const dir = await mkdtemp(join(tmpdir(), "buddy-behaviours-"));
    dirs.push(dir);
    await writeOutDir(dir, simulate(await phase20Tasks(), 7));
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
    const report = simulate(await phase20Tasks(), 7);
    expect(report.waves).toHaveLength(3);
    for (const w of report.waves) {
      for (const v of Object.values(w.health.metrics)) expect(v >= 0 && v <= 1).toBe(true);
      expect(w.health.health_score >= 0 && w.health.health_score <= 100).toBe(true);
      expect(["EXCELLENT", "GOOD", "FAIR", "POOR"]).toContain(w.health.health_status);
    }
  });

  test("anomalies are records with a type and a severity", async () => {
    const report = simulate(await phase20Tasks(), 7, "round_robin", 3);
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
    await writeOutDir(dir, simulate(await phase20Tasks(), 7));
    for (const w of [1, 2, 3]) expect((await readdir(join(dir, `wave_${w}`))).filter((d) => d.startsWith("agent_")).sort()).toEqual(["agent_0", "agent_1", "agent_2", "agent_3"]);
    expect(await readFile(join(dir, "PHASE_21_AUTONOMOUS_EXECUTION.md"), "utf8")).toContain("## Executive Summary");
  });

  test("every task reaches a final state in its own wave, the waves in order", async () => {
    const tasks = await phase20Tasks();
    const report = simulate(tasks, 7);
    expect(report.waves.map((w) => w.wave)).toEqual([1, 2, 3]);
    expect(report.summary.totals.succeeded + report.summary.totals.failed).toBe(tasks.length);
    for (const w of report.waves) expect(w.observation.tasks.every((t) => t.wave === w.wave)).toBe(true);
  });

  test("the same seed gives the same outcomes, signals and files; another seed differs", async () => {
    const tasks = await phase20Tasks();
    const outcomes = (r: RunReport) => r.tasks.map((t) => `${t.task_id}:${t.status}`).join(",");
    expect(JSON.stringify(outDirFiles(simulate(tasks, 7)))).toBe(JSON.stringify(outDirFiles(simulate(tasks, 7))));
    expect(outcomes(simulate(tasks, 7))).not.toBe(outcomes(simulate(tasks, 8)));
    expect(markdownReport(simulate(tasks, 7))).toBe(markdownReport(simulate(tasks, 7)));
  });
});
