/**
 * fixtures/crm-sync.jsonl in dry run: the task code of every wave against the mocks, through a
 * stand-in for the sandbox (providers-runner.ts) that exposes only the declared providers.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createMockProviders } from "../../src/providers";
import { readFixture, runFixture, type TaskOutcome } from "./providers-runner";

const tasks = readFixture(join(import.meta.dir, "../../fixtures/crm-sync.jsonl"));
const plain = (outcomes: Map<string, TaskOutcome>) => JSON.parse(JSON.stringify(Object.fromEntries(outcomes)));

describe("fixtures/crm-sync.jsonl in dry run", () => {
  test("has 3+ waves, and every task declares providers and a quick retry policy", () => {
    expect(new Set(tasks.map((t) => t.wave)).size).toBeGreaterThanOrEqual(3);
    for (const t of tasks) {
      expect(t.uses?.length).toBeGreaterThan(0);
      expect((t as any).retry.max_delay_ms).toBeLessThanOrEqual(1000);
    }
    const uses = new Set(tasks.flatMap((t) => t.uses));
    expect([...uses].sort()).toEqual(["ghl", "mployer", "msgraph"]);
  });

  test("with error rate 0 every task succeeds at its first attempt, the CRM ends up complete", async () => {
    const p = createMockProviders({ seed: 3, errorRate: 0 });
    const outcomes = await runFixture(p, tasks);
    for (const [id, o] of outcomes) expect({ id, status: o.status, attempts: o.attempts }).toEqual({ id, status: "succeeded", attempts: 1 });
    const summary = outcomes.get("crm-summary")!.result as any;
    expect(summary.contacts).toBe(18);
    expect(summary.untagged).toBe(0);
    expect(summary.email).toEqual({ status: "sent", to: ["sales-team@example.com"] });
    expect((p.snapshot() as any).ghl.contacts).toHaveLength(18);
  });

  test("seed 3 twice gives identical results, however the concurrent tasks interleave", async () => {
    const first = createMockProviders({ seed: 3 });
    const second = createMockProviders({ seed: 3 });
    const a = plain(await runFixture(first, tasks, { jitterMs: 4 }));
    const b = plain(await runFixture(second, tasks, { jitterMs: 4 }));
    expect(b).toEqual(a);
    expect(JSON.stringify(second.snapshot())).toBe(JSON.stringify(first.snapshot()));
  });

  test("with the default rates, seed 3 has attempts that fail with 408 or 429 and succeed on retry", async () => {
    const outcomes = await runFixture(createMockProviders({ seed: 3 }), tasks);
    const recovered = [...outcomes.values()].filter((o) => o.status === "succeeded" && o.failures.some((s) => s === 408 || s === 429));
    expect(recovered.length).toBeGreaterThan(0);
    expect([...outcomes.values()].every((o) => o.status === "succeeded")).toBe(true);
  });
});
