/**
 * Contract: a batch is all or nothing. A write naming a run, task or attempt the store does not
 * have, or a fence that is no longer the run's lease, refuses the whole batch with a STORE error
 * and leaves no trace in any read — whichever kinds of write the batch holds.
 */
import { describe, expect, test } from "bun:test";
import type { LeaseHolder, StoreWrite } from "../../../src/store";
import { attemptEnded, everyKind, ingest, newRun, task } from "./data";
import { expectBuddyError, freshStore, type MakeStoreFixture } from "./fixtures";
import { snapshot } from "./snapshot";

const holder = (pid: number): LeaseHolder => ({ owner: `owner-${crypto.randomUUID()}`, host: "host", pid, process_started: null });

/** Whether a write names a task (rather than only a run). */
const namesTask = (w: StoreWrite): boolean =>
  w.kind === "gate_decisions" ? w.decisions.length > 0 : "task_id" in w || ("row" in w && "task_id" in w.row);

export function atomicityContract(make: MakeStoreFixture): void {
  describe("all-or-nothing batches", () => {
    const fresh = freshStore(make, "atomicity");

    async function runWithTask(): Promise<string> {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      return run.run_id;
    }

    test("a batch of every kind of write shows in every read", async () => {
      const id = await runWithTask();
      const before = await snapshot(fresh.store, id);
      await fresh.store.apply(everyKind(id, "task-0"));
      const after = await snapshot(fresh.store, id);
      expect(after.run).toMatchObject({ status: "completed", started_at: 1000, ended_at: 3000, summary: { type: "summary" } });
      for (const read of ["tasks", "attempts", "assignments", "waveRecords", "violations", "gateDecisions", "signals", "anomalies"] as const) {
        expect({ read, changed: after[read] }).not.toEqual({ read, changed: before[read] });
      }
      expect(after.providerState).toEqual({ contacts: [1] });
    });

    test("one write naming what the store does not have undoes the batch, for every kind of write", async () => {
      const id = await runWithTask();
      const before = await snapshot(fresh.store, id);
      const bad: StoreWrite[] = [
        ...everyKind("no-such-run", "task-0"),
        ...everyKind(id, "no-such-task").filter(namesTask),
        attemptEnded(id, "task-0", 7),
      ];
      // Every kind is tried, with a missing run and, where it names one, a missing task.
      expect(new Set(bad.map((w) => w.kind)).size).toBe(new Set(everyKind(id, "task-0").map((w) => w.kind)).size);
      for (const write of bad) {
        await expectBuddyError(() => fresh.store.apply([...everyKind(id, "task-0"), write]), "STORE");
        expect({ write, after: await snapshot(fresh.store, id) }).toEqual({ write, after: before });
      }
      // Nothing was left half-open: the same batch without the bad write applies.
      await fresh.store.apply(everyKind(id, "task-0"));
      expect((await fresh.store.getRun(id))?.status).toBe("completed");
    });

    test("a stale holder's batch of every kind leaves no trace", async () => {
      const id = await runWithTask();
      const stale = (await fresh.store.acquireLease(id, { holder: holder(1), period_ms: 60_000, holderIsDead: () => false })).lease;
      const other = await fresh.another();
      const current = await other.acquireLease(id, { holder: holder(2), period_ms: 60_000, holderIsDead: () => true });
      const before = await snapshot(other, id);
      await expectBuddyError(() => fresh.store.apply(everyKind(id, "task-0"), stale), "STORE");
      expect(await snapshot(other, id)).toEqual(before);
      expect(await snapshot(fresh.store, id)).toEqual(before);
      // The same batch with the current lease applies.
      await other.apply(everyKind(id, "task-0"), current.lease);
      expect((await fresh.store.getRun(id))?.status).toBe("completed");
    });

    test("an empty batch changes nothing", async () => {
      const id = await runWithTask();
      const before = await snapshot(fresh.store, id);
      await fresh.store.apply([]);
      expect(await snapshot(fresh.store, id)).toEqual(before);
    });
  });
}
