/** The monitor (SPEC 8): health, trajectory and each anomaly type at its threshold. */
import { describe, expect, test } from "bun:test";
import { createAgents, planWave } from "../../src/manager";
import type { Task } from "../../src/core";
import { Value } from "@sinclair/typebox/value";
import { AnomalySchema, confidenceTrajectory, detectAnomalies, emptyHistory, healthStatus, Monitor, WaveHealthSchema, waveHealth } from "../../src/monitor";
import { taskObs, wave, type TaskSpec } from "../builders";

describe("health", () => {
  test("a hand-computed wave matches the formula to 1e-9", () => {
    // agent_3 sits out (marked failed). agent_0: ✓0.9 100 ms, ✗0.6 50 ms; agent_1: ✓0.8 120 ms;
    // agent_2: ✓0.7 60 ms and a rejected task that never ran.
    const rejected = taskObs(1, 4, [2, "rejected", 0.3], { attempts: 0, attempt_durations_ms: [] });
    const obs = wave(1, 4, [[0, "succeeded", 0.9, 100], [0, "failed", 0.6, 50], [1, "succeeded", 0.8, 120], [2, "succeeded", 0.7, 60], rejected], { failed: [3] });
    const h = waveHealth(obs);
    const success = 3 / 5; // rejected counts as a final task that did not succeed
    const availability = 3 / 4;
    const accuracy = 1 - (0.1 + 0.6 + 0.2 + 0.3) / 4; // rejected tasks never tested their prediction
    const balance = 60 / 150; // over the three available agents
    expect(h.metrics.success_rate).toBeCloseTo(success, 12);
    expect(h.metrics.availability).toBe(availability);
    expect(h.metrics.accuracy).toBeCloseTo(accuracy, 12);
    expect(h.metrics.load_balance).toBeCloseTo(balance, 12);
    expect(Math.abs(h.health_score - 100 * (0.4 * success + 0.2 * availability + 0.2 * accuracy + 0.2 * balance))).toBeLessThan(1e-9);
    expect(Math.abs(h.health_score - 61)).toBeLessThan(1e-9);
    expect(h.health_status).toBe("FAIR");
  });

  test("status thresholds: EXCELLENT ≥ 90, GOOD ≥ 70, FAIR ≥ 50, else POOR", () => {
    expect([90, 89.99, 70, 69.99, 50, 49.99, 0].map(healthStatus)).toEqual(["EXCELLENT", "GOOD", "GOOD", "FAIR", "FAIR", "POOR", "POOR"]);
  });

  test("with fewer tasks than agents only the agents that could have worked are compared", () => {
    const spread = waveHealth(wave(1, 4, [[0, "succeeded", 1, 100], [1, "succeeded", 1, 100]]));
    expect(spread.metrics.load_balance).toBe(1);
    expect(spread.health_score).toBe(100);
    const piled = waveHealth(wave(1, 4, [[0, "succeeded", 1, 100], [0, "succeeded", 1, 100]]));
    expect(piled.metrics.load_balance).toBe(0);
  });
});

const types = (obs: Parameters<typeof detectAnomalies>[0], history = emptyHistory()) =>
  detectAnomalies(obs, history).anomalies.map((a) => a.anomaly_type);

describe("agent_failure (HIGH)", () => {
  const fails = (agent: number, k: number, ok = 0): TaskSpec[] => [
    ...Array.from({ length: k }, (): TaskSpec => [agent, "failed", 0.9]),
    ...Array.from({ length: ok }, (): TaskSpec => [agent, "succeeded", 0.9]),
  ];

  test("success < 0.5 over ≥ 4 tasks raises it and marks the agent failed for the next wave", () => {
    const result = detectAnomalies(wave(1, 2, [...fails(1, 3, 1), ...fails(0, 0, 4)]), emptyHistory());
    const a = result.anomalies.find((x) => x.anomaly_type === "agent_failure")!;
    expect(a.severity).toBe("HIGH");
    expect(a.affected_agents).toEqual(["agent_1"]);
    expect(a.affected_tasks).toHaveLength(3);
    expect(a.anomaly_id).toBe("run-1-w1-agent_failure-agent_1");
    expect(result.failed_next_wave).toEqual(["agent_1"]);
  });

  test("exactly 0.5 over 4 tasks, or 0 of 3, is not a failure", () => {
    expect(types(wave(1, 1, fails(0, 2, 2)))).not.toContain("agent_failure");
    expect(types(wave(1, 1, fails(0, 3)))).not.toContain("agent_failure");
  });

  test("5 failures in a row count across waves; 4 do not", () => {
    const first = detectAnomalies(wave(1, 1, fails(0, 0, 10)), emptyHistory()); // a good record first
    const second = detectAnomalies(wave(2, 1, fails(0, 3)), first.history);
    expect(second.failed_next_wave).toEqual([]); // 10 of 13: rate fine, streak 3
    const third = detectAnomalies(wave(3, 1, [[0, "failed", 0.9]]), second.history);
    expect(third.failed_next_wave).toEqual([]); // streak 4
    const fourth = detectAnomalies(wave(4, 1, [[0, "failed", 0.9]]), third.history);
    expect(fourth.failed_next_wave).toEqual(["agent_0"]);
    expect(fourth.anomalies[0]!.description).toContain("5 tasks in a row");
  });

  test("a success breaks the streak", () => {
    const specs: TaskSpec[] = [...fails(0, 4), [0, "succeeded", 0.9], ...fails(0, 4), ...fails(0, 0, 10)];
    expect(types(wave(1, 1, specs))).not.toContain("agent_failure");
  });

  test("five failures then a success within one wave are still five in a row", () => {
    const specs: TaskSpec[] = [...fails(0, 0, 10), ...fails(0, 5), [0, "succeeded", 0.9]];
    expect(types(wave(1, 1, specs))).toContain("agent_failure");
  });

  test("rejected tasks never ran and do not count against the agent", () => {
    const rejected = Array.from({ length: 6 }, (_, i) => taskObs(1, i, [0, "rejected", 0.2], { attempts: 0, attempt_durations_ms: [] }));
    expect(types(wave(1, 1, rejected))).not.toContain("agent_failure");
  });

  test("after sitting out a wave the agent starts on a clean record", () => {
    const m = new Monitor();
    expect(m.observe(wave(1, 2, [...fails(1, 4), ...fails(0, 0, 4)])).failed_next_wave).toEqual(["agent_1"]);
    // wave 2: agent_1 sits out; nothing new is known about it, so it comes back for wave 3
    expect(m.observe(wave(2, 2, fails(0, 0, 4), { failed: [1] })).failed_next_wave).toEqual([]);
    // wave 3: one more failure is judged on the new record alone (1 task, streak 1)
    expect(m.observe(wave(3, 2, [...fails(1, 1), ...fails(0, 0, 3)])).failed_next_wave).toEqual([]);
  });

  test("the agent marked failed gets no tasks from any strategy in the next wave", () => {
    const verdict = new Monitor().observe(wave(1, 4, Array.from({ length: 16 }, (_, i): TaskSpec => [i % 4, i % 4 === 1 ? "failed" : "succeeded", 0.9])));
    expect(verdict.failed_next_wave).toEqual(["agent_1"]);
    const agents = createAgents(4);
    for (const a of agents) a.marked_failed = verdict.failed_next_wave.includes(a.agent_id);
    const tasks: Task[] = Array.from({ length: 12 }, (_, i) => ({
      task_id: `t${i}`, seq: i, wave: 2, priority: 2, predicted_success_probability: 0.9, predicted_execution_time: 1,
      risk_assessment: "LOW", uses: [], meta: {},
    }));
    for (const strategy of ["round_robin", "load_balanced", "priority_based", "confidence_based"] as const) {
      const { placements } = planWave(2, tasks, agents, strategy, 1);
      expect(placements.filter((p) => p.agent.agent_id === "agent_1")).toEqual([]);
    }
  });
});

describe("coordination_issue (MEDIUM)", () => {
  test("makespan > 1.4 × ideal raises it; exactly 1.4 does not", () => {
    // two agents: ideal = total / 2 = 100; makespan 141 → 1.41; 140 → 1.4
    expect(types(wave(1, 2, [[0, "succeeded", 0.9, 141], [1, "succeeded", 0.9, 59]]))).toContain("coordination_issue");
    expect(types(wave(1, 2, [[0, "succeeded", 0.9, 140], [1, "succeeded", 0.9, 60]]))).not.toContain("coordination_issue");
  });

  test("names the busiest agent and its tasks", () => {
    const a = detectAnomalies(wave(1, 2, [[0, "succeeded", 0.9, 300], [1, "succeeded", 0.9, 50]]), emptyHistory())
      .anomalies.find((x) => x.anomaly_type === "coordination_issue")!;
    expect(a.severity).toBe("MEDIUM");
    expect(a.affected_agents).toEqual(["agent_0"]);
    expect(a.affected_tasks).toEqual(["w1-t0"]);
    expect(a.value).toBeCloseTo(300 / 175, 12);
  });

  test("no busy time at all (simulated, no time scale) is no issue", () => {
    expect(types(wave(1, 2, [[0, "succeeded", 0.9, 0], [1, "succeeded", 0.9, 0]]))).toEqual([]);
  });
});

describe("prediction_drift (MEDIUM)", () => {
  const tasks = (n: number, p: number, status: "succeeded" | "failed"): TaskSpec[] => Array.from({ length: n }, (_, i) => [i % 2, status, p, 10]);

  test("mean |p − outcome| > 0.25 over ≥ 10 tasks raises it; exactly 0.25 does not", () => {
    expect(types(wave(1, 2, tasks(10, 0.74, "succeeded")))).toContain("prediction_drift");
    expect(types(wave(1, 2, tasks(10, 0.75, "succeeded")))).not.toContain("prediction_drift");
  });

  test("fewer than 10 tasks is not enough evidence, until later waves add to the window", () => {
    const first = detectAnomalies(wave(1, 2, tasks(6, 0.95, "failed")), emptyHistory());
    expect(first.anomalies.map((a) => a.anomaly_type)).not.toContain("prediction_drift");
    const second = detectAnomalies(wave(2, 2, tasks(4, 0.95, "failed")), first.history);
    const drift = second.anomalies.find((a) => a.anomaly_type === "prediction_drift")!;
    expect(drift.description).toContain("over 10 tasks (waves 1–2)");
    expect(drift.description).toContain("predictions run 0.95 high");
    expect(drift.affected_tasks).toHaveLength(4);
  });
});

describe("load_imbalance (LOW)", () => {
  test("max / min busy > 1.5 raises it; exactly 1.5 does not", () => {
    expect(types(wave(1, 2, [[0, "succeeded", 0.9, 151], [1, "succeeded", 0.9, 100]]))).toContain("load_imbalance");
    expect(types(wave(1, 2, [[0, "succeeded", 0.9, 150], [1, "succeeded", 0.9, 100]]))).not.toContain("load_imbalance");
  });

  test("an available agent left idle while it could have worked is unbounded imbalance", () => {
    const a = detectAnomalies(wave(1, 2, [[0, "succeeded", 0.9, 50], [0, "succeeded", 0.9, 50]]), emptyHistory())
      .anomalies.find((x) => x.anomaly_type === "load_imbalance")!;
    expect(a.severity).toBe("LOW");
    expect(a.value).toBeNull();
    expect(a.affected_agents).toEqual(["agent_0", "agent_1"]);
  });

  test("an agent sitting out (marked failed) is not counted as idle", () => {
    expect(types(wave(2, 3, [[0, "succeeded", 0.9, 100], [1, "succeeded", 0.9, 100]], { failed: [2] }))).toEqual([]);
  });
});

describe("records", () => {
  test("health and every anomaly type conform to their schemas", () => {
    const first = detectAnomalies(wave(1, 3, [...Array.from({ length: 12 }, (): TaskSpec => [1, "failed", 0.95, 10]), [0, "succeeded", 0.9, 500]]), emptyHistory());
    expect(new Set(first.anomalies.map((a) => a.anomaly_type))).toEqual(new Set(["agent_failure", "coordination_issue", "prediction_drift", "load_imbalance"]));
    for (const a of first.anomalies) expect([...Value.Errors(AnomalySchema, a)]).toEqual([]);
    expect(Value.Check(WaveHealthSchema, waveHealth(wave(1, 2, [[0, "succeeded", 0.5]])))).toBe(true);
  });
});

describe("confidence trajectory", () => {
  test("the least-squares slope of recent waves decides; ±0.02 per wave is stable", () => {
    expect(confidenceTrajectory([])).toBe("stable");
    expect(confidenceTrajectory([0.5])).toBe("stable");
    expect(confidenceTrajectory([0.5, 0.6, 0.7])).toBe("improving");
    expect(confidenceTrajectory([0.9, 0.8, 0.6])).toBe("degrading");
    expect(confidenceTrajectory([0.8, 0.81, 0.8, 0.82])).toBe("stable");
    // one bad wave in the middle does not flip a rising trend
    expect(confidenceTrajectory([0.5, 0.6, 0.4, 0.8, 0.9])).toBe("improving");
    // only the last 5 waves count
    expect(confidenceTrajectory([0.1, 0.2, 0.3, 0.9, 0.9, 0.9, 0.9, 0.9])).toBe("stable");
  });

  test("the Monitor tracks health across waves", () => {
    const m = new Monitor();
    const good: TaskSpec[] = Array.from({ length: 4 }, (_, i) => [i, "succeeded", 0.9, 10]);
    const bad: TaskSpec[] = Array.from({ length: 4 }, (_, i) => [i, "failed", 0.9, 10]);
    expect(m.observe(wave(1, 4, good)).confidence_trajectory).toBe("stable");
    expect(m.observe(wave(2, 4, bad)).confidence_trajectory).toBe("degrading");
    expect(m.history.health_scores).toHaveLength(2);
  });
});
