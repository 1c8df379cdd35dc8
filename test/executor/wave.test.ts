/**
 * runTask and runWave on real executor processes and the real sandbox, seeded: a task's final
 * state and its attempts, a wave, retries, per-task metrics and agents running in parallel (the
 * executor behaviours the original Phase 21 suite checked, reference/original.md 3.3).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { busyMs, createRng, silentLogger, systemClock, type FinishedTask, type Task } from "../../src/core";
import { EXECUTOR_ARG, ExecutorPool, retryDelay, runTask, runWave, type TaskContext } from "../../src/executor";
import { createAgents, planWave } from "../../src/manager";

const pool = new ExecutorPool({
  size: 2,
  command: [process.execPath, resolve(import.meta.dir, "../../src/cli/main.ts"), EXECUTOR_ARG],
  clock: systemClock,
  logger: silentLogger,
});
afterAll(() => pool.close());

const writes: string[] = [];
const ctx: TaskContext = {
  run_id: "behaviours",
  seed: 21,
  simulate: false,
  timeScale: 0,
  dryRun: true,
  clock: systemClock,
  defaults: { timeout_ms: 2000, memory_mb: 64, max_retries: 2, retry: { strategy: "exponential", base_delay_ms: 10, max_delay_ms: 100, jitter: 0 } },
  runAttempt: (request) => pool.run(request),
  gate: () => undefined,
  record: (w) => writes.push(w.kind),
};

const task = (id: string, code: string, over: Partial<Task> = {}): Task => ({
  task_id: id, seq: 0, wave: 1, priority: 2, predicted_success_probability: 0.8, predicted_execution_time: 1,
  risk_assessment: "MEDIUM", uses: [], meta: {}, code, ...over,
});

describe("tasks and waves on real executors", () => {
  test("agents start with empty records", () => {
    expect(createAgents(4).map((a) => [a.agent_id, a.succeeded, a.not_succeeded, a.attempts, a.busy_ms])).toEqual(
      [0, 1, 2, 3].map((i) => [`agent_${i}`, 0, 0, 0, 0]),
    );
  });

  test("one task runs to a final state with start, end and a positive duration; its attempt is recorded", async () => {
    writes.length = 0;
    const final = await runTask(task("single", "let s = 0; for (let i = 0; i < 1e5; i++) s += i; return s;"), "agent_0", ctx);
    expect(final).toMatchObject({ status: "succeeded", attempts: 1, result_json: "4999950000" });
    expect(final.ended_at).toBeGreaterThanOrEqual(final.started_at);
    expect(final.attempt_durations_ms[0]).toBeGreaterThan(0);
    expect(writes).toEqual(["attempt_started", "attempt_ended"]);
  });

  test("a wave of 3 tasks: every task final, in wave 1", async () => {
    const tasks = [task("a", "return 1"), task("b", "throw Object.assign(new Error('no'), { retryable: false })"), task("c", "return 3")];
    const { placements, plan } = planWave(1, tasks, createAgents(2), "round_robin", 1);
    const finals: FinishedTask[] = [];
    await runWave(placements, ctx, { agents: plan.agents, concurrency: 1, steal: false, shouldStop: () => false, onFinished: (f) => finals.push(f) });
    expect(finals.map((f) => [f.task.task_id, f.task.wave, f.status]).sort()).toEqual([["a", 1, "succeeded"], ["b", 1, "failed"], ["c", 1, "succeeded"]]);
  });

  test("exponential retry: delays double (1 s, 2 s, 4 s with the default base) and a flaky task succeeds on retry", async () => {
    const policy = { strategy: "exponential" as const, base_delay_ms: 1000, max_delay_ms: 30_000, jitter: 0 };
    expect([1, 2, 3].map((k) => retryDelay(policy, k, createRng(1)))).toEqual([1000, 2000, 4000]);
    const final = await runTask(task("flaky", "if (task.attempt < 3) throw new Error('try again'); return task.attempt;"), "agent_0", ctx);
    expect(final).toMatchObject({ status: "succeeded", attempts: 3, result_json: "3" });
    expect(final.attempt_durations_ms.length).toBe(3);
  });

  test("execution metrics: attempts, busy time and errors are collected per task", async () => {
    const final = await runTask(task("bad", "null.x"), "agent_1", { ...ctx, defaults: { ...ctx.defaults, max_retries: 1 } });
    expect(final).toMatchObject({ status: "failed", attempts: 2, error: { code: "TASK_ERROR", retryable: true } });
    expect(busyMs(final)).toBe(final.attempt_durations_ms.reduce((a, b) => a + b, 0));
  });

  test("agents run in parallel: tasks of two agents overlap in time on two executors", async () => {
    const spin = "const end = Date.now() + 300; while (Date.now() < end) {} return task.agent_id;";
    const { placements, plan } = planWave(1, [task("p0", spin), task("p1", spin, { seq: 1 })], createAgents(2), "round_robin", 1);
    const finals: FinishedTask[] = [];
    await runWave(placements, ctx, { agents: plan.agents, concurrency: 1, steal: false, shouldStop: () => false, onFinished: (f) => finals.push(f) });
    const [x, y] = finals;
    expect(x!.agent_id).not.toBe(y!.agent_id);
    // Each interval starts before the other ends: they ran at the same time, not one after the other.
    expect(x!.started_at < y!.ended_at && y!.started_at < x!.ended_at).toBe(true);
  });
});
