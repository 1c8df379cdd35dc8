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
