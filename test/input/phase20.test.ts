/** Phase 20 output directories as input (SPEC 2.2): joining the tree, and its problems. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Task } from "../../src/core";
import { formatProblem, readTasks, validateFile } from "../../src/input";

const TREE = join(import.meta.dir, "../../fixtures/phase20");

async function tasksOf(dir: string): Promise<Task[]> {
  const tasks: Task[] = [];
  for await (const item of readTasks(dir, { simulate: true })) {
    if (item.kind !== "task") throw new Error(formatProblem(item.problem));
    tasks.push(item.task);
  }
  return tasks;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A tree from { "wave_1/agent_0/predicted_tasks.jsonl": [rows or raw lines] }. */
async function tree(files: Record<string, Array<object | string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "buddy-phase20-"));
  dirs.push(root);
  for (const [path, rows] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + (rows.length ? "\n" : ""));
  }
  return root;
}

const prediction = (task_id: string, agent_id: string, p: number, more: object = {}) =>
  ({ task_id, agent_id, predicted_success_probability: p, confidence_delta_estimate: 0.02, predicted_execution_time: 27.5, risk_assessment: "MEDIUM", reasoning: "r", timestamp: "2026-01-01T00:00:00+00:00", ...more });
const scheduled = (task_id: string, agent_id: string, wave: number, priority: number, more: object = {}) =>
  ({ task_id, agent_id, wave, predicted_start_time: 0, predicted_end_time: 27.5, predicted_success_probability: 0.7, predicted_confidence_delta: 0.02, priority, status: "ASSIGNED", timestamp: "t", ...more });

async function problemsOf(dir: string, simulate = true): Promise<string[]> {
  const { problems } = await validateFile(dir, { simulate });
  return problems.map((p) => formatProblem(p).slice(dir.length));
}

describe("the fixture tree (3 waves × 4 agents)", () => {
  test("joins into one task per task_id, with waves from the directories", async () => {
    const tasks = await tasksOf(TREE);
    expect(tasks).toHaveLength(32);
    expect(new Set(tasks.map((t) => t.task_id)).size).toBe(32);
    expect([1, 2, 3].map((w) => tasks.filter((t) => t.wave === w).length)).toEqual([10, 12, 10]);
    expect(tasks.map((t) => t.seq)).toEqual(tasks.map((_, i) => i));
    expect(tasks.every((t) => t.code === undefined && Object.keys(t.agent_predictions ?? {}).length === 4)).toBe(true);
  });

  test("probability is the mean of the agent predictions; priority from the schedule", async () => {
    const t = (await tasksOf(TREE)).find((x) => x.task_id === "task_1_1")!;
    expect(t.agent_predictions).toEqual({ agent_0: 0.8083, agent_1: 0.7651, agent_2: 0.6996, agent_3: 0.5829 });
    expect(t.predicted_success_probability).toBeCloseTo((0.8083 + 0.7651 + 0.6996 + 0.5829) / 4, 6);
    expect(t.priority).toBe(3);
    // The agents' rows say MEDIUM, MEDIUM, HIGH, HIGH: the mean 0.714 decides (MEDIUM).
    expect(t.risk_assessment).toBe("MEDIUM");
    expect(t.predicted_execution_time).toBe(28.97);
  });

  test("the predictions vary: probabilities, risk levels and priorities", async () => {
    const tasks = await tasksOf(TREE);
    expect(new Set(tasks.map((t) => t.risk_assessment)).size).toBe(3);
    expect(new Set(tasks.map((t) => t.priority))).toEqual(new Set([1, 2, 3]));
    const ps = tasks.map((t) => t.predicted_success_probability);
    expect(Math.max(...ps) - Math.min(...ps)).toBeGreaterThan(0.3);
  });

  test("without --simulate one problem says how to run it", async () => {
    expect(await problemsOf(TREE, false)).toEqual([": its tasks carry predictions but no code: run them with --simulate"]);
  });
});

describe("joining", () => {
  test("an agent_id null (the original Phase 21 fixture's shape) takes the directory's agent", async () => {
    const root = await tree({ "wave_2/agent_0/predicted_tasks.jsonl": [{ task_id: "x", agent_id: null, predicted_success_probability: 0.8 }] });
    const [t] = await tasksOf(root);
    expect(t).toMatchObject({ task_id: "x", wave: 2, priority: 2, predicted_execution_time: 1, risk_assessment: "MEDIUM", agent_predictions: { agent_0: 0.8 } });
  });

  test("agents that disagree on risk: the risk of the mean probability", async () => {
    const root = await tree({
      "wave_1/agent_0/predicted_tasks.jsonl": [prediction("x", "agent_0", 0.9, { risk_assessment: "LOW" })],
      "wave_1/agent_1/predicted_tasks.jsonl": [prediction("x", "agent_1", 0.6, { risk_assessment: "HIGH" })],
      "wave_1/agent_1/predicted_schedule.jsonl": [scheduled("x", "agent_1", 1, 2)],
      "wave_1/agent_0/predicted_schedule.jsonl": [scheduled("x", "agent_0", 1, 1)],
    });
    const [t] = await tasksOf(root);
    expect(t!.predicted_success_probability).toBe(0.75);
    expect(t!.risk_assessment).toBe("MEDIUM");
    expect(t!.priority).toBe(1);
    expect(t!.meta).toEqual({ confidence_delta_estimate: 0.02, predicted_confidence_delta: 0.02 });
  });

  test("other entries of the tree are ignored; empty agent files are fine", async () => {
    const root = await tree({
      "phase20_feedback.jsonl": ["not json"],
      "wave_1/notes/predicted_tasks.jsonl": ["not json"],
      "wave_1/agent_0/predicted_tasks.jsonl": [prediction("x", "agent_0", 0.8)],
      "wave_1/agent_1/predicted_tasks.jsonl": [],
    });
    expect((await tasksOf(root)).map((t) => t.task_id)).toEqual(["x"]);
  });
});

describe("broken trees", () => {
  test("every row problem as FILE:LINE: field: message", async () => {
    const root = await tree({
      "wave_1/agent_0/predicted_tasks.jsonl": [
        prediction("a", "agent_0", 0.8),
        "{oops",
        { task_id: "b", agent_id: "agent_0" },
        prediction("c", "agent_3", 0.8),
        prediction("a", "agent_0", 0.7),
        prediction("d", "agent_0", 1.5),
      ],
      "wave_1/agent_0/predicted_schedule.jsonl": [
        scheduled("a", "agent_0", 2, 1),
        scheduled("zz", "agent_0", 1, 1),
        scheduled("a", "agent_0", 1, 0, { predicted_start_time: 5, predicted_end_time: 1 }),
      ],
    });
    expect(await problemsOf(root)).toEqual([
      "/wave_1/agent_0/predicted_tasks.jsonl:2: (line): is not valid JSON (Expected '}')",
      "/wave_1/agent_0/predicted_tasks.jsonl:3: predicted_success_probability: is required (or its alias predicted_success_rate)",
      '/wave_1/agent_0/predicted_tasks.jsonl:4: agent_id: is "agent_3" but the file is under agent_0/',
      '/wave_1/agent_0/predicted_tasks.jsonl:5: task_id: "a" is already predicted on line 1',
      "/wave_1/agent_0/predicted_tasks.jsonl:6: predicted_success_probability: must be a number between 0 and 1, got 1.5",
      "/wave_1/agent_0/predicted_schedule.jsonl:1: wave: is 2 but the file is under wave_1/",
      "/wave_1/agent_0/predicted_schedule.jsonl:3: priority: must be an integer between 1 and 1000000, got 0",
      "/wave_1/agent_0/predicted_schedule.jsonl:3: predicted_end_time: is 1, before predicted_start_time 5",
      '/wave_1/agent_0/predicted_schedule.jsonl:2: task_id: "zz" is scheduled but has no prediction in wave_1/',
    ]);
  });

  test("a task id reused in a later wave", async () => {
    const root = await tree({
      "wave_1/agent_0/predicted_tasks.jsonl": [prediction("a", "agent_0", 0.8)],
      "wave_2/agent_0/predicted_tasks.jsonl": [prediction("a", "agent_0", 0.8)],
    });
    expect(await problemsOf(root)).toEqual(['/wave_2/agent_0/predicted_tasks.jsonl:1: task_id: "a" is already used in wave_1/']);
  });

  test("layout problems: wave 0, a wave without agents, an agent without predictions, no tasks", async () => {
    const root = await tree({
      "wave_0/agent_0/predicted_tasks.jsonl": [prediction("a", "agent_0", 0.8)],
      "wave_1/readme.txt": ["hello"],
      "wave_2/agent_0/predicted_schedule.jsonl": [],
      "wave_3/agent_0/predicted_tasks.jsonl": [],
    });
    expect(await problemsOf(root)).toEqual([
      "/wave_0: waves are numbered from 1 to 1000000",
      "/wave_1: has no agent_<i> directories",
      "/wave_2/agent_0/predicted_tasks.jsonl: not found (every agent directory has one, even if empty)",
      ": contains no tasks",
    ]);
  });

  test("the problem cap applies to trees too", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ task_id: `t${i}` }));
    const root = await tree({ "wave_1/agent_0/predicted_tasks.jsonl": rows });
    const problems = await problemsOf(root);
    expect(problems).toHaveLength(51);
    expect(problems[50]).toBe("/wave_1/agent_0/predicted_tasks.jsonl:51: (file): more problems were omitted; reading stopped after 50");
  });
});
