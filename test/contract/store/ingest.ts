/** Contract: `beginRun` → `addTask`… → `commit` | `abort`. */
import { describe, expect, test } from "bun:test";
import { freshStore, expectBuddyError, type MakeStoreFixture } from "./fixtures";
import { ingest, newRun, task, runOptions } from "./data";
import { progressOf, specOf } from "./task-shape";

export function ingestContract(make: MakeStoreFixture): void {
  describe("ingest", () => {
    const fresh = freshStore(make, "ingest");

    test("a committed run is visible with its tasks, counts and options", async () => {
      const run = newRun({ options: runOptions({ agents: 3, retry: "linear" }) });
      const tasks = [task(0, { wave: 2 }), task(1, { wave: 1 }), task(2, { wave: 2 }), task(3, { wave: 5 })];
      await ingest(fresh.store, run, tasks);

      const row = await fresh.store.getRun(run.run_id);
      expect(row).toEqual({
        ...run,
        status: "running",
        started_at: null,
        ended_at: null,
        task_count: 4,
        wave_count: 3,
        summary: null,
      });
      expect((await fresh.store.listRuns()).map((r) => r.run_id)).toEqual([run.run_id]);
      const rows = await fresh.store.tasks(run.run_id);
      expect(rows.map(specOf)).toEqual(tasks);
      for (const row of rows) {
        expect(progressOf(row)).toMatchObject({ state: "pending", agent_id: null, attempts: 0 });
        expect(progressOf(row)).toMatchObject({ result_json: null, error: null, started_at: null, ended_at: null });
      }
    });

    test("the task spec round-trips every field, including meta and unicode ids", async () => {
      const run = newRun();
      const rich = task(0, {
        task_id: "tâche-✓-0",
        agent_id: "agent_2",
        agent_predictions: { agent_0: 0.5, agent_2: 0.9 },
        script: "scripts/a.js",
        input: { list: [1, "two", null, { deep: true }] },
        uses: ["ghl", "msgraph"],
        timeout_ms: 100,
        memory_mb: 16,
        max_retries: 0,
        retry: { strategy: "linear", jitter: 0 },
        approved: true,
        meta: { owner: "team-a", tags: ["x"] },
      });
      await ingest(fresh.store, run, [rich]);
      expect((await fresh.store.tasks(run.run_id)).map(specOf)).toEqual([rich]);
    });

    test("a run being ingested is invisible to other connections until it commits", async () => {
      const other = await fresh.another();
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await open.addTask(task(0));
      expect(await other.getRun(run.run_id)).toBeUndefined();
      expect(await other.listRuns()).toEqual([]);
      expect(await other.tasks(run.run_id)).toEqual([]);
      expect(await other.waves(run.run_id)).toEqual([]);
      await open.commit();
      expect((await other.getRun(run.run_id))?.task_count).toBe(1);
      expect((await other.tasks(run.run_id)).length).toBe(1);
    });

    test("an aborted run never shows on another connection", async () => {
      const other = await fresh.another();
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await open.addTask(task(0));
      await open.abort();
      expect(await other.getRun(run.run_id)).toBeUndefined();
      expect(await other.listRuns()).toEqual([]);
      expect(await other.tasks(run.run_id)).toEqual([]);
      // The connection that aborted is free again.
      await ingest(fresh.store, run, [task(0)]);
      expect((await other.getRun(run.run_id))?.task_count).toBe(1);
    });

    test("abort leaves nothing behind, and the run id can be ingested again", async () => {
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await open.addTask(task(0));
      await open.abort();
      await open.abort(); // a second abort does nothing
      expect(await fresh.store.listRuns()).toEqual([]);
      expect(await fresh.store.getRun(run.run_id)).toBeUndefined();
      expect(await fresh.store.tasks(run.run_id)).toEqual([]);

      await ingest(fresh.store, run, [task(0), task(1)]);
      expect((await fresh.store.getRun(run.run_id))?.task_count).toBe(2);
    });

    test("while an ingest is open the store refuses other calls; afterwards it serves them", async () => {
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await expectBuddyError(() => fresh.store.listRuns(), "INTERNAL");
      await expectBuddyError(() => fresh.store.beginRun(newRun()), "INTERNAL");
      await expectBuddyError(() => fresh.store.apply([]), "INTERNAL");
      await open.commit();
      await open.abort(); // after commit: nothing to undo
      expect((await fresh.store.listRuns()).length).toBe(1);
      await expectBuddyError(() => open.addTask(task(9)), "INTERNAL");
      await expectBuddyError(() => open.commit(), "INTERNAL");
    });

    test("an existing run id is refused and the existing run is untouched", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const error = await expectBuddyError(() => fresh.store.beginRun({ ...run, seed: 7 }), "STORE");
      expect(error.message).toContain(run.run_id);
      expect((await fresh.store.getRun(run.run_id))?.seed).toBe(run.seed);
      // No transaction was left open: the store still writes.
      await fresh.store.apply([{ kind: "run_started", run_id: run.run_id, at: 5 }]);
      expect((await fresh.store.getRun(run.run_id))?.started_at).toBe(5);
    });

    test("a duplicate task id is refused; the ingest can then be aborted", async () => {
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await open.addTask(task(0));
      const error = await expectBuddyError(() => open.addTask(task(1, { task_id: "task-0" })), "STORE");
      expect(error.message).toContain("task-0");
      await open.abort();
      expect(await fresh.store.listRuns()).toEqual([]);
    });

    test("closing the store with an open ingest discards the run", async () => {
      const run = newRun();
      const open = await fresh.store.beginRun(run);
      await open.addTask(task(0));
      await fresh.store.close();
      const other = await fresh.another();
      expect(await other.getRun(run.run_id)).toBeUndefined();
    });
  });
}
