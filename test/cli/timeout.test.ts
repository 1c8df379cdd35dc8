import { expect, test } from "bun:test";
import { buddy, fixture, ofType } from "./helpers";

test("an infinite loop, also inside try/finally, ends as TIMEOUT by the interrupt handler and the run goes on", async () => {
  const ran = await buddy(["run", fixture("timeouts.jsonl"), "--quiet"]);
  expect(ran.code).toBe(1);
  const byId = Object.fromEntries(ofType(ran.records, "task").map((t) => [t.task_id, t]));
  for (const id of ["spin", "spin-finally"]) {
    expect(byId[id]).toMatchObject({ status: "failed", attempts: 1, error: { code: "TIMEOUT", retryable: true } });
    // Stopped inside the sandbox at its deadline, not by the supervisor killing the executor.
    expect(byId[id].error.message).not.toContain("executor was killed");
  }
  expect(byId["after-the-spins"]).toMatchObject({ status: "succeeded", result: "still running" });
});

test("a task stuck in a native loop while its own unawaited call is answered is a TIMEOUT once; the run ends normally", async () => {
  const ran = await buddy(["run", fixture("stuck-after-call.jsonl"), "--retry", "none", "--threads", "1", "--agents", "2", "--mock-latency-ms", "20", "--mock-error-rate", "0"]);
  expect(ran.code).toBe(1);
  const byId = Object.fromEntries(ofType(ran.records, "task").map((t) => [t.task_id, t]));
  expect(byId["stuck-after-call"]).toMatchObject({ status: "failed", attempts: 1, error: { code: "TIMEOUT" } });
  expect(byId["stuck-after-call"].duration_ms).toBeLessThanOrEqual(300 + 250);
  expect(byId.neighbour).toMatchObject({ status: "succeeded", result: true });
  expect(ran.stderr).not.toContain("internal");
});
