import { describe, expect, test } from "bun:test";
import type { Task } from "../../src/core";
import { capFor, createAgents, orderTasks, planWave } from "../../src/manager";

function task(i: number, over: Partial<Task> = {}): Task {
  return {
    task_id: `t${i}`, seq: i, wave: 1, priority: 2, predicted_success_probability: 0.8,
    predicted_execution_time: 1, risk_assessment: "MEDIUM", uses: [], meta: {}, code: "return 1", ...over,
  };
}
const countBy = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id]: (m[id] ?? 0) + 1 }), {});

describe("ordering", () => {
  test("priority first, then input order", () => {
    const ordered = orderTasks([task(0, { priority: 3 }), task(1, { priority: 1 }), task(2, { priority: 3 }), task(3, { priority: 1 })]);
    expect(ordered.map((t) => t.task_id)).toEqual(["t1", "t3", "t0", "t2"]);
  });
});

describe("round_robin", () => {
  test("4 agents and 12 tasks: 3 each, task i on agent i mod 4", () => {
    const { placements } = planWave(1, Array.from({ length: 12 }, (_, i) => task(i)), createAgents(4), "round_robin", 1);
    expect(countBy(placements.map((p) => p.agent.agent_id))).toEqual({ agent_0: 3, agent_1: 3, agent_2: 3, agent_3: 3 });
    expect(placements.map((p) => p.agent.index)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  });
});

describe("load_balanced", () => {
  test("each task goes to the least planned load; ties to the lower index", () => {
    const times = [5, 1, 1, 1, 1, 1, 2, 2];
    const { placements, plan } = planWave(1, times.map((t, i) => task(i, { predicted_execution_time: t })), createAgents(2), "load_balanced", 1);
    expect(placements.map((p) => p.agent.index)).toEqual([0, 1, 1, 1, 1, 1, 0, 1]);
    expect(plan.planned_load).toEqual({ agent_0: 7, agent_1: 7 });
    expect(plan.load_balance_score).toBe(1);
  });
  test("equalises planned load better than round robin on skewed times", () => {
    const tasks = [8, 1, 1, 1, 8, 1, 1, 1].map((t, i) => task(i, { predicted_execution_time: t }));
    const lb = planWave(1, tasks, createAgents(4), "load_balanced", 1).plan;
    const rr = planWave(1, tasks, createAgents(4), "round_robin", 1).plan;
    expect(lb.expected_makespan).toBeLessThan(rr.expected_makespan);
    expect(lb.load_balance_score).toBeGreaterThan(rr.load_balance_score);
  });
});

describe("priority_based and confidence_based", () => {
  test("urgent tasks go first to the agents with the best observed success, under the cap", () => {
    const agents = createAgents(3);
    agents[2]!.succeeded = 10; // agent_2 has the best record
    agents[0]!.not_succeeded = 5;
    const tasks = Array.from({ length: 6 }, (_, i) => task(i, { priority: i < 3 ? 1 : 3 }));
    const { placements } = planWave(1, tasks, agents, "priority_based", 1);
    const urgent = placements.filter((p) => p.task.priority === 1).map((p) => p.agent.agent_id);
    expect(urgent).toEqual(["agent_2", "agent_2", "agent_2"]);
    expect(Math.max(...Object.values(countBy(placements.map((p) => p.agent.agent_id))))).toBeLessThanOrEqual(capFor(6, 3));
  });
  test("the hardest tasks go to the most capable agents by per-agent prediction", () => {
    const agents = createAgents(2);
    const tasks = [
      task(0, { predicted_success_probability: 0.9 }),
      task(1, { predicted_success_probability: 0.3, agent_predictions: { agent_0: 0.2, agent_1: 0.6 } }),
    ];
    const { placements } = planWave(1, tasks, agents, "confidence_based", 1);
    expect(placements[0]!.task.task_id).toBe("t1");
    expect(placements[0]!.agent.agent_id).toBe("agent_1");
  });
  test("an agent marked failed gets no tasks", () => {
    const agents = createAgents(3);
    agents[1]!.marked_failed = true;
    for (const strategy of ["round_robin", "load_balanced", "priority_based", "confidence_based"] as const) {
      const { placements } = planWave(1, Array.from({ length: 9 }, (_, i) => task(i)), agents, strategy, 1);
      expect(placements.some((p) => p.agent.agent_id === "agent_1")).toBe(false);
    }
  });
});
