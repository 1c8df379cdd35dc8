/**
 * executeRun and executeWave on fakes: an in-memory store, virtual time and scripted attempts,
 * so waves, retries, stops and resumes are checked without a process or a real wait.
 */
import { describe, expect, test } from "bun:test";
import { resumeRun } from "../../src/harness";
import type { RunOutput } from "../../src/records";
import { harness, newWorld, storeRun, task } from "../fakes/harness";

const types = (records: RunOutput[]) => records.map((r) => (r.type === "task" ? `task:${r.task_id}` : r.type === "wave" ? `wave:${r.wave}` : r.type));
const summaryOf = (records: RunOutput[]) => {
  const last = records.at(-1)!;
  if (last.type !== "summary") throw new Error(`the last record is a ${last.type}`);
  return last;
};

describe("waves", () => {
  test("run one after another: every task of a wave is reported before its wave, the summary last", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("a"), task("b", { wave: 2 }), task("c"), task("d", { wave: 2 })]);
    const h = harness(db, clock, {});
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(0);
    const order = types(h.records);
    expect(order.slice(0, 2).sort()).toEqual(["task:a", "task:c"]);
    expect(order.slice(2)).toEqual(expect.arrayContaining(["wave:1", "task:b", "task:d", "wave:2", "summary"]));
    expect(order.indexOf("wave:1")).toBe(2);
    expect(order.indexOf("wave:2")).toBe(5);
    expect(summaryOf(h.records)).toMatchObject({ status: "completed", totals: { tasks: 4, succeeded: 4, pending: 0, attempts: 4, retries: 0 }, success_rate: 1, waves: 2 });
    expect(h.runner.closed).toBe(1);
  });

  test("executeWave places the wave's tasks on the agents and records every assignment", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("a"), task("b"), task("c")], { agents: 3, strategy: "round_robin" });
    const h = harness(db, clock, {});
    await resumeRun("r", h.deps);
    const assignments = await h.deps.store.assignments("r", 1);
    expect(assignments.map((a) => [a.task_id, a.agent_id])).toEqual([["a", "agent_0"], ["b", "agent_1"], ["c", "agent_2"]]);
  });
});

describe("retries", () => {
  test("a retryable error is tried again after the backoff, in virtual time", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("flaky")]);
    const h = harness(db, clock, { flaky: [{ fail: "TIMEOUT", ms: 5 }, { fail: "TASK_ERROR", ms: 5 }, { ok: "done", ms: 5 }] });
    const started = clock.now();
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(0);
    expect(h.runner.calls).toEqual(["flaky#1", "flaky#2", "flaky#3"]);
    const [record] = h.records;
    expect(record).toMatchObject({ type: "task", status: "succeeded", attempts: 3, result: "done" });
    // exponential, base 1000, no jitter: 1000 ms after attempt 1, 2000 ms after attempt 2.
    const attempts = await h.deps.store.attempts("r", "flaky");
    expect(attempts.map((a) => a.started_at - started)).toEqual([0, 1005, 3010]);
    expect(summaryOf(h.records).totals).toMatchObject({ attempts: 3, retries: 2 });
  });

  test("an error that is not retryable ends the task at once: failed, exit 1", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("bad"), task("good")]);
    const h = harness(db, clock, { bad: [{ fail: "SYNTAX_ERROR" }] });
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(1);
    expect(h.runner.calls.filter((c) => c.startsWith("bad"))).toEqual(["bad#1"]);
    expect(summaryOf(h.records)).toMatchObject({ status: "failed", totals: { succeeded: 1, failed: 1 }, success_rate: 0.5 });
  });

  test("--fail-fast stops dispatching after the first failure: halted, exit 3", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("bad"), task("next", { wave: 2 })], { fail_fast: true });
    const h = harness(db, clock, { bad: [{ fail: "SYNTAX_ERROR" }] });
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(3);
    expect(h.runner.calls).toEqual(["bad#1"]);
    expect(summaryOf(h.records)).toMatchObject({ status: "halted", totals: { failed: 1, pending: 1 } });
  });
});

describe("interruption and resume", () => {
  test("a stop leaves unfinished tasks pending; a resume runs only those, and the totals add up", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("a"), task("b"), task("c"), task("d", { wave: 2 })], { agents: 1 });
    // The first process is stopped as its second attempt starts: that one finishes, no more start.
    const first = harness(db, clock, {}, (request) => {
      if (request.task.id === "b") first.abort.abort();
    });
    const stopped = await resumeRun("r", first.deps);
    expect(stopped.exitCode).toBe(130);
    expect(first.runner.calls).toEqual(["a#1", "b#1"]);
    expect(summaryOf(first.records)).toMatchObject({ status: "interrupted", totals: { succeeded: 2, pending: 2 }, success_rate: 1 });
    expect(types(first.records)).not.toContain("wave:1");

    const second = harness(db, clock, {});
    const resumed = await resumeRun("r", second.deps, true);
    expect(resumed.exitCode).toBe(0);
    expect(second.runner.calls).toEqual(["c#1", "d#1"]);
    // --replay prints the tasks that finished before, then what this process ran.
    expect(types(second.records).slice(0, 2).sort()).toEqual(["task:a", "task:b"]);
    expect(summaryOf(second.records)).toMatchObject({ status: "completed", totals: { tasks: 4, succeeded: 4, pending: 0 } });
  });

  test("an attempt in flight when a process died counts: the resumed task goes on with the next attempt", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("a")]);
    await db.connect().apply([{ kind: "attempt_started", run_id: "r", task_id: "a", attempt: 1, agent_id: "agent_0", at: clock.now() }]);
    const h = harness(db, clock, {});
    await resumeRun("r", h.deps);
    expect(h.runner.calls).toEqual(["a#2"]);
    expect(h.records[0]).toMatchObject({ type: "task", status: "succeeded", attempts: 2 });
  });

  test("a finished run is not run again; with --replay its records come back as they were printed", async () => {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("a"), task("b", { wave: 2 }), task("x", { wave: 2 })]);
    const h = harness(db, clock, { x: [{ fail: "VIOLATION" }] });
    const first = await resumeRun("r", h.deps);
    const again = harness(db, clock, {});
    const replayed = await resumeRun("r", again.deps, true);
    expect(replayed.exitCode).toBe(first.exitCode);
    expect(again.runner.calls).toEqual([]);
    const byKey = (records: RunOutput[]) => [...records].sort((p, q) => types([p])[0]!.localeCompare(types([q])[0]!));
    expect(byKey(again.records)).toEqual(byKey(h.records));
  });
});
