/**
 * runTask records each attempt's violations in the violation log (SPEC 5): one `violation` write
 * per entry, right after the attempt's end, naming the attempt and quoting the code.
 */
import { expect, test } from "bun:test";
import type { Clock, Task } from "../../src/core";
import { runTask, type TaskContext } from "../../src/executor";
import type { SandboxOutcome } from "../../src/sandbox";
import type { StoreWrite } from "../../src/store";

const clock: Clock = { now: () => 1_700_000_000_000, sleep: async () => {} };

const task: Task = {
  task_id: "reaches-out",
  seq: 0,
  wave: 1,
  priority: 2,
  predicted_success_probability: 0.5,
  predicted_execution_time: 1,
  risk_assessment: "LOW",
  code: `/* ${"x".repeat(300)} */ return fetch('https://example.com')`,
  uses: [],
  meta: {},
};

function context(outcomes: SandboxOutcome[], writes: StoreWrite[], max_retries = 0): TaskContext {
  return {
    run_id: "run-1",
    seed: 1,
    simulate: false,
    timeScale: 0,
    dryRun: true,
    gate: () => undefined,
    clock,
    defaults: { timeout_ms: 100, memory_mb: 16, max_retries, retry: { strategy: "linear", base_delay_ms: 0, max_delay_ms: 0, jitter: 0 } },
    runAttempt: async () => outcomes.shift()!,
    record: (write) => void writes.push(write),
  };
}

const failed = (code: "VIOLATION" | "TIMEOUT", violations: SandboxOutcome["violations"]): SandboxOutcome => ({
  ok: false,
  error: { code, message: "failed", violation_type: code === "VIOLATION" ? violations[0]?.violation_type : undefined },
  console: [],
  consoleTruncated: false,
  violations,
  durationMs: 5,
});

test("every violation of an attempt becomes one violation write after its attempt_ended", async () => {
  const writes: StoreWrite[] = [];
  const touches = [
    { violation_type: "NETWORK_ACCESS_ATTEMPT", details: "read of blocked global 'fetch'" },
    { violation_type: "SUBPROCESS_ATTEMPT", details: "read of blocked global 'process'" },
  ];
  const final = await runTask(task, "agent_0", context([failed("VIOLATION", touches)], writes));
  expect(final.error).toMatchObject({ code: "VIOLATION", violation_type: "NETWORK_ACCESS_ATTEMPT", retryable: false });
  expect(writes.map((w) => w.kind)).toEqual(["attempt_started", "attempt_ended", "violation", "violation"]);
  const rows = writes.flatMap((w) => (w.kind === "violation" ? [w.row] : []));
  expect(rows[0]).toEqual({
    run_id: "run-1",
    task_id: "reaches-out",
    attempt: 1,
    execution_id: "run-1/reaches-out/1",
    violation_type: "NETWORK_ACCESS_ATTEMPT",
    details: "read of blocked global 'fetch'",
    code_preview: task.code!.slice(0, 200),
    timestamp: 1_700_000_000_000,
  });
  expect(rows[1]?.violation_type).toBe("SUBPROCESS_ATTEMPT");
});

test("each attempt logs its own violations; an attempt without any logs none", async () => {
  const writes: StoreWrite[] = [];
  const touch = [{ violation_type: "GLOBAL_ALLOWLIST_VIOLATION", details: "read of blocked global 'eval'" }];
  await runTask(task, "agent_0", context([failed("TIMEOUT", []), failed("TIMEOUT", touch)], writes, 1));
  const rows = writes.flatMap((w) => (w.kind === "violation" ? [w.row] : []));
  expect(rows.map((r) => r.execution_id)).toEqual(["run-1/reaches-out/2"]);
});
