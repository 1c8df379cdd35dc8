/**
 * Contract: several handles on one store — processes in production (a run and `buddy show`, two
 * workers). What one commits, every other sees on its next call; none sees what is uncommitted.
 */
import { isAbsolute } from "node:path";
import { describe, expect, test } from "bun:test";
import { everyKind, ingest, newRun, task } from "./data";
import { freshStore, type MakeStoreFixture } from "./fixtures";
import { snapshot } from "./snapshot";

export function handlesContract(make: MakeStoreFixture): void {
  describe("handles on one store", () => {
    const fresh = freshStore(make, "handles");

    test("a handle opened before another's commits reads each of them on its next call", async () => {
      const reader = await fresh.another();
      const run = newRun();
      expect(await reader.listRuns()).toEqual([]);
      await ingest(fresh.store, run, [task(0), task(1, { wave: 2 })]);
      expect((await reader.listRuns()).map((r) => r.run_id)).toEqual([run.run_id]);
      expect(await reader.waves(run.run_id)).toEqual([1, 2]);

      const lease = await fresh.store.acquireLease(run.run_id, {
        holder: { owner: "writer", host: "h", pid: 1, process_started: null },
        period_ms: 60_000,
        holderIsDead: () => false,
      });
      expect((await reader.currentLease(run.run_id))?.token).toBe(lease.lease.token);
      await fresh.store.apply(everyKind(run.run_id, "task-0"), lease.lease);
      expect(await snapshot(reader, run.run_id)).toEqual(await snapshot(fresh.store, run.run_id));
      expect((await reader.getRun(run.run_id))?.status).toBe("completed");

      await fresh.store.releaseLease(lease.lease);
      expect(await reader.currentLease(run.run_id)).toBeUndefined();
    });

    test("two handles name the store alike; its local files, if any, are absolute paths", async () => {
      const other = await fresh.another();
      expect(other.location).toBe(fresh.store.location);
      expect(other.location).not.toBe("");
      expect(other.files).toEqual(fresh.store.files);
      for (const file of fresh.store.files) expect({ file, absolute: isAbsolute(file.path) }).toEqual({ file, absolute: true });
    });
  });
}
