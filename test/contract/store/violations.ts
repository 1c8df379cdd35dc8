/** Contract: the sandbox violation log — what a `violation` write stores and how it reads back. */
import { describe, expect, test } from "bun:test";
import { ingest, newRun, task, taskFinal, violation } from "./data";
import { expectBuddyError, freshStore, type MakeStoreFixture } from "./fixtures";

export function violationsContract(make: MakeStoreFixture): void {
  describe("violations", () => {
    const fresh = freshStore(make, "violations");

    test("a violation is stored with every field and read back per run", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const row = violation(run.run_id, "task-0", { code_preview: "x".repeat(200) });
      await fresh.store.apply([{ kind: "violation", row }]);
      expect(await fresh.store.violations(run.run_id)).toEqual([row]);
    });

    test("by time, then in the order recorded; without a run id, every run's", async () => {
      const a = newRun();
      const b = newRun();
      await ingest(fresh.store, a, [task(0), task(1)]);
      await ingest(fresh.store, b, [task(0)]);
      const late = violation(a.run_id, "task-0", { timestamp: 3000, details: "late" });
      const first = violation(a.run_id, "task-1", { timestamp: 1000, details: "first", violation_type: "SUBPROCESS_ATTEMPT" });
      const second = violation(a.run_id, "task-1", { timestamp: 1000, details: "second", attempt: 2, execution_id: `${a.run_id}/task-1/2` });
      const other = violation(b.run_id, "task-0", { timestamp: 2000, details: "other run" });
      await fresh.store.apply([late, first, second, other].map((row) => ({ kind: "violation" as const, row })));
      expect((await fresh.store.violations(a.run_id)).map((v) => v.details)).toEqual(["first", "second", "late"]);
      expect((await fresh.store.violations(b.run_id)).map((v) => v.details)).toEqual(["other run"]);
      expect((await fresh.store.violations()).map((v) => v.details)).toEqual(["first", "second", "other run", "late"]);
    });

    test("an unknown run has none; a run without violations has none", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      await fresh.store.apply([taskFinal(run.run_id, "task-0")]);
      expect(await fresh.store.violations("nope")).toEqual([]);
      expect(await fresh.store.violations(run.run_id)).toEqual([]);
      expect(await fresh.store.violations()).toEqual([]);
    });

    test("a violation of a task the store does not have undoes its batch", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const error = await expectBuddyError(
        () => fresh.store.apply([
          { kind: "violation", row: violation(run.run_id, "task-0") },
          { kind: "violation", row: violation(run.run_id, "no-such-task") },
        ]),
        "STORE",
      );
      expect(error.message).toContain("no-such-task");
      expect(await fresh.store.violations(run.run_id)).toEqual([]);
    });
  });
}
