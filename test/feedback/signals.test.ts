/** The learning signals of SPEC 7: types, targets, confidence levels and what each one says. */
import { describe, expect, test } from "bun:test";
import { FormatRegistry } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { SIGNAL_TYPES, SignalSchema, signalConfidence, waveSignals, withEveryPrediction, type Signal, type SignalOf, type SignalType } from "../../src/feedback";
import { taskObs, wave, type TaskSpec } from "../builders";

const ctx = { generated_at: "2026-01-01T00:00:00.000Z" };
const find = <T extends SignalType>(signals: Signal[], type: T) => signals.find((s) => s.signal_type === type) as SignalOf<T>;

/** 12 tasks on 4 agents: agent_1 fails everything, the others succeed; p 0.8 throughout. */
function mixedWave() {
  const specs: TaskSpec[] = Array.from({ length: 12 }, (_, i) => [i % 4, i % 4 === 1 ? "failed" : "succeeded", 0.8, 10 + i]);
  return wave(3, 4, specs, { steals: 2, strategy: "load_balanced" });
}

describe("waveSignals", () => {
  test("one signal of each type, routed to phases 18, 18, 16, 20, with stable ids", () => {
    const signals = waveSignals(mixedWave(), ctx);
    expect(signals.map((s) => s.signal_type)).toEqual([...SIGNAL_TYPES]);
    expect(signals.map((s) => s.target_phase)).toEqual([18, 18, 16, 20]);
    expect(signals.map((s) => s.signal_id)).toEqual(SIGNAL_TYPES.map((t) => `run-1-w3-${t}`));
    expect(signals.every((s) => s.run_id === "run-1" && s.wave === 3 && s.generated_at === ctx.generated_at)).toBe(true);
    expect(signals.every((s) => s.recommendations.length > 0)).toBe(true);
  });

  test("every signal conforms to the signal schema (`buddy schema signal`)", () => {
    if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", (v) => !Number.isNaN(Date.parse(v)));
    const empty = wave(1, 2, []);
    for (const signal of [...waveSignals(mixedWave(), ctx), ...waveSignals(empty, ctx)]) {
      expect([...Value.Errors(SignalSchema, signal)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    }
  });

  test("the same observation gives the same signals", () => {
    expect(JSON.stringify(waveSignals(mixedWave(), ctx))).toBe(JSON.stringify(waveSignals(mixedWave(), ctx)));
  });

  test("confidence from sample size: n < 3 → 0.5, n ≤ 10 → 0.7, else 0.9", () => {
    expect([0, 2, 3, 10, 11].map(signalConfidence)).toEqual([0.5, 0.5, 0.7, 0.7, 0.9]);
    const of = (n: number) => waveSignals(wave(1, 2, Array.from({ length: n }, (): TaskSpec => [0, "succeeded", 0.9])), ctx)[0]!.confidence;
    expect([of(2), of(10), of(11)]).toEqual([0.5, 0.7, 0.9]);
  });
});

describe("agent_performance", () => {
  test("per agent: tasks, outcomes, success rate, latency, retries, predicted vs observed", () => {
    const tasks = [
      taskObs(1, 0, [0, "succeeded", 0.9], { attempts: 3, attempt_durations_ms: [10, 20, 100] }),
      taskObs(1, 1, [0, "failed", 0.7], { attempts: 1, attempt_durations_ms: [30] }),
      taskObs(1, 2, [1, "succeeded", 0.6], { attempts: 1, attempt_durations_ms: [5] }),
    ];
    const { content } = find(waveSignals(wave(1, 3, tasks), ctx), "agent_performance");
    const a0 = content.agents[0]!;
    expect(a0).toMatchObject({ agent_id: "agent_0", tasks: 2, succeeded: 1, failed: 1, success_rate: 0.5, attempts: 4, retries: 2, busy_ms: 160 });
    expect(a0.mean_latency_ms).toBe(40);
    expect(a0.p95_latency_ms).toBe(100); // nearest rank: the 4th of 4
    expect(a0.mean_predicted).toBeCloseTo(0.8, 12);
    expect(a0.gap).toBeCloseTo(-0.3, 12);
    expect(content.agents[2]).toMatchObject({ agent_id: "agent_2", tasks: 0, success_rate: null, p95_latency_ms: null });
    expect(content.best_agent).toBe("agent_1");
    expect(content.worst_agent).toBe("agent_0");
  });

  test("an unreliable agent is named in the advice", () => {
    const { recommendations } = find(waveSignals(mixedWave(), ctx), "agent_performance");
    expect(recommendations.some((r) => r.startsWith("agent_1 succeeded 0 of 3 tasks"))).toBe(true);
  });
});

describe("multi_agent_coordination", () => {
  test("strategy, load balance, makespan vs ideal, steals, advice", () => {
    const obs = wave(1, 2, [[0, "succeeded", 0.9, 300], [1, "succeeded", 0.9, 100]], { strategy: "round_robin", steals: 0 });
    const { content, recommendations } = find(waveSignals(obs, ctx), "multi_agent_coordination");
    expect(content).toMatchObject({ strategy: "round_robin", agents: 2, available_agents: 2, tasks: 2, steals: 0, makespan_ms: 300, ideal_makespan_ms: 200 });
    expect(content.makespan_ratio).toBe(1.5);
    expect(content.load_balance).toBeCloseTo(1 / 3, 12);
    expect(content.busy_ms).toEqual({ agent_0: 300, agent_1: 100 });
    expect(recommendations[0]).toContain("try --strategy load_balanced");
  });

  test("steals and agents sitting out are reported", () => {
    const { content, recommendations } = find(waveSignals(wave(2, 3, [[0, "succeeded", 0.9], [1, "succeeded", 0.9]], { steals: 3, failed: [2] }), ctx), "multi_agent_coordination");
    expect(content.failed_agents).toEqual(["agent_2"]);
    expect(recommendations.join("\n")).toContain("3 task(s) were stolen");
    expect(recommendations.join("\n")).toContain("agent_2 sat out this wave");
  });
});

describe("heuristic_feedback", () => {
  test("observed vs predicted per risk level and per priority", () => {
    const tasks = [
      taskObs(1, 0, [0, "succeeded", 0.9], { task: { priority: 1 } }),
      taskObs(1, 1, [0, "failed", 0.9], { task: { priority: 1 } }),
      taskObs(1, 2, [0, "succeeded", 0.5], { task: { priority: 3 } }),
    ];
    const { content } = find(waveSignals(wave(1, 1, tasks), ctx), "heuristic_feedback");
    expect(content.by_risk.map((g) => g.risk)).toEqual(["LOW", "MEDIUM", "HIGH"]);
    expect(content.by_risk[0]).toMatchObject({ tasks: 2, mean_predicted: 0.9, observed_rate: 0.5 });
    expect(content.by_risk[0]!.gap).toBeCloseTo(-0.4, 12);
    expect(content.by_risk[1]).toMatchObject({ tasks: 0, mean_predicted: null });
    expect(content.by_priority.map((g) => [g.priority, g.tasks, g.observed_rate])).toEqual([[1, 2, 0.5], [3, 1, 1]]);
  });

  test("risk levels that do not separate outcomes are called out", () => {
    const specs: TaskSpec[] = [
      ...Array.from({ length: 3 }, (): TaskSpec => [0, "failed", 0.95]),
      ...Array.from({ length: 3 }, (): TaskSpec => [0, "succeeded", 0.4]),
    ];
    const { recommendations, content } = find(waveSignals(wave(1, 1, specs), ctx), "heuristic_feedback");
    expect(content.confidence_success_correlation).toBeCloseTo(-1, 12);
    const text = recommendations.join("\n");
    expect(text).toContain("LOW-risk predictions run 0.95 high");
    expect(text).toContain("HIGH-risk tasks succeeded as often as LOW-risk ones");
    expect(text).toContain("does not track success");
  });
});

describe("prediction_validation", () => {
  test("per task predicted, actual and error, plus the wave calibration and its advice", () => {
    const specs: TaskSpec[] = [[0, "succeeded", 0.9], [0, "failed", 0.8], [0, "failed", 0.7], [0, "succeeded", 0.6]];
    const { content, recommendations } = find(waveSignals(wave(1, 1, specs), ctx), "prediction_validation");
    expect(content.tasks[1]).toEqual({ task_id: "w1-t1", agent_id: "agent_0", predicted: 0.8, actual: 0, error: 0.8 });
    expect(content.calibration.n).toBe(4);
    expect(content.calibration.bias).toBeCloseTo(0.25, 12);
    expect(recommendations[0]).toBe("predictions run 0.25 high (mean predicted 0.75, observed 0.50)");
  });

  test("predictions that run low say so; rejected tasks are left out", () => {
    const rejected = taskObs(1, 3, [0, "rejected", 0.1], { attempts: 0, attempt_durations_ms: [] });
    const specs: Array<TaskSpec | ReturnType<typeof taskObs>> = [[0, "succeeded", 0.88], [0, "succeeded", 0.88], [0, "succeeded", 0.88], rejected];
    const { content, recommendations } = find(waveSignals(wave(1, 1, specs), ctx), "prediction_validation");
    expect(content.tasks.map((t) => t.task_id)).toEqual(["w1-t0", "w1-t1", "w1-t2"]);
    expect([content.tasks_total, content.confident_misses]).toEqual([3, 0]);
    expect(recommendations[0]).toStartWith("predictions run 0.12 low");
  });

  test("a big wave's signal lists its 100 worst predictions in input order; the counts and the reports' list cover every task", () => {
    // 250 tasks: p 0.5 everywhere (error 0.5) but every 5th fails at p 0.95 (error 0.95).
    const specs: TaskSpec[] = Array.from({ length: 250 }, (_, i) => (i % 5 === 0 ? [0, "failed", 0.95] : [0, "succeeded", 0.5]));
    const obs = wave(1, 1, specs);
    const signal = find(waveSignals(obs, ctx), "prediction_validation");
    const { content } = signal;
    expect(content.tasks).toHaveLength(100);
    expect([content.tasks_total, content.confident_misses]).toEqual([250, 50]);
    // The 50 confident misses first in rank, then the earliest 50 of the rest; listed in input order.
    const listed = content.tasks.map((t) => Number(t.task_id.slice("w1-t".length)));
    expect(listed.filter((i) => i % 5 === 0)).toHaveLength(50);
    expect(listed.filter((i) => i % 5 !== 0)).toEqual(Array.from({ length: 63 }, (_, i) => i).filter((i) => i % 5 !== 0).slice(0, 50));
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    expect(signal.recommendations).toContain("50 task(s) were confidently mispredicted (error > 0.8)");
    // Tasks finish in any order: the signal is the same, listed in input order.
    const finishedBackwards = find(waveSignals({ ...obs, tasks: [...obs.tasks].reverse() }, ctx), "prediction_validation");
    expect(finishedBackwards.content.tasks).toEqual(content.tasks);
    const everyTask = withEveryPrediction(signal, obs);
    if (everyTask.signal_type !== "prediction_validation") throw new Error("unreachable");
    expect(everyTask.content.tasks.map((t) => t.task_id)).toEqual(obs.tasks.map((t) => t.task.task_id));
    expect(Value.Check(SignalSchema, everyTask)).toBe(true);
  });
});
