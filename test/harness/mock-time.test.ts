/**
 * Time in a dry run (SPEC 6), on fakes and virtual time: `--mock-latency-ms` makes every mock
 * call wait on the harness's clock without holding up other tasks' calls, and a retry wait a
 * mock caused is recorded in full but slept only × `--time-scale`.
 */
import { describe, expect, test } from "bun:test";
import { resumeRun } from "../../src/harness";
import type { ScriptedAttempt } from "../fakes/attempts";
import { harness, newWorld, storeRun, task } from "../fakes/harness";

describe("--mock-latency-ms", () => {
  const twoCalls: ScriptedAttempt[] = [{ ok: "done", ms: 0, calls: [["ghl", "testConnection"], ["msgraph", "testConnection"]] }];
  const ids = ["a", "b", "c", "d"];

  async function runWithLatency(mock_latency_ms: number) {
    const { db, clock } = newWorld();
    await storeRun(db, "r", ids.map((id) => task(id, { uses: ["ghl", "msgraph"] })), { agents: 2, concurrency: 2, mock_latency_ms, mock_error_rate: 0 });
    const h = harness(db, clock, Object.fromEntries(ids.map((id) => [id, twoCalls])));
    const started = clock.now();
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(0);
    return { answered: h.runner.answered, started };
  }

  test("every mock call is answered exactly N ms of clock time after it was sent", async () => {
    const { answered } = await runWithLatency(250);
    expect(answered).toHaveLength(8);
    for (const c of answered) expect([c.attempt, c.call, c.answered - c.sent]).toEqual([c.attempt, c.call, 250]);
  });

  test("calls of concurrent tasks overlap: the four tasks' calls are in flight together", async () => {
    const { answered, started } = await runWithLatency(250);
    const first = answered.filter((c) => c.call === "ghl.testConnection");
    expect(first.map((c) => c.attempt).sort()).toEqual(["a#1", "b#1", "c#1", "d#1"]);
    // All sent at the start and answered together: one after another they would take 8 × 250 ms.
    for (const c of first) expect([c.attempt, c.sent - started, c.answered - started]).toEqual([c.attempt, 0, 250]);
    expect(Math.max(...answered.map((c) => c.answered)) - started).toBe(500);
  });

  test("0 (the default) answers at once", async () => {
    const { answered } = await runWithLatency(0);
    for (const c of answered) expect(c.answered).toBe(c.sent);
  });
});

describe("retry waits in a dry run", () => {
  // A mock's 429 asking for 2 s; the policy's own backoff after attempt 1 is 1000 ms (no jitter).
  const rateLimited: ScriptedAttempt[] = [{ fail: "PROVIDER_ERROR", status: 429, retryAfterMs: 2000, ms: 5 }, { ok: "done", ms: 5 }];
  const thrown: ScriptedAttempt[] = [{ fail: "TASK_ERROR", ms: 5 }, { ok: "done", ms: 5 }];

  async function attemptsOf(script: ScriptedAttempt[], options: { time_scale?: number; live?: boolean } = {}) {
    const { db, clock } = newWorld();
    await storeRun(db, "r", [task("t")], options);
    const h = harness(db, clock, { t: script });
    const result = await resumeRun("r", h.deps);
    expect(result.exitCode).toBe(0);
    const [first, second] = await h.deps.store.attempts("r", "t");
    return { delay: first!.error?.retry_delay_ms, waited: second!.started_at - first!.ended_at!, last: second! };
  }

  test("a mock's 429: the attempt records the wait the policy chose, and the run does not sleep it", async () => {
    const { delay, waited, last } = await attemptsOf(rateLimited);
    expect(delay).toBe(2000);
    expect(waited).toBe(0);
    expect(last.error).toBeNull();
  });

  test("--time-scale 0.5: the mock's wait is slept at half its length", async () => {
    expect(await attemptsOf(rateLimited, { time_scale: 0.5 })).toMatchObject({ delay: 2000, waited: 1000 });
  });

  test("an error the task threw is the task's own: its backoff is slept in full", async () => {
    expect(await attemptsOf(thrown)).toMatchObject({ delay: 1000, waited: 1000 });
  });

  test("live, a provider's 429 is waited in full", async () => {
    expect(await attemptsOf(rateLimited, { live: true })).toMatchObject({ delay: 2000, waited: 2000 });
  });
});
