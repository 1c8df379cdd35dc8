/** Contract: the read side — ordering and filtering of runs, waves, tasks, attempts, assignments. */
import { describe, expect, test } from "bun:test";
import { BuddyError } from "../../../src/core";
import type { AssignmentRow } from "../../../src/store";
import { attemptEnded, attemptStarted, ingest, newRun, task } from "./data";
import { expectBuddyError, freshStore, type MakeStoreFixture } from "./fixtures";
import { specOf } from "./task-shape";

export function readsContract(make: MakeStoreFixture): void {
  describe("reads", () => {
    const fresh = freshStore(make, "reads");

    test("listRuns: newest first; runs created in the same millisecond, latest ingested first", async () => {
      const created = [1000, 3000, 2000, 3000];
      const runs = created.map((created_at) => newRun({ created_at }));
      for (const run of runs) await ingest(fresh.store, run, []);
      const order = (rows: { run_id: string }[]) => rows.map((row) => runs.findIndex((r) => r.run_id === row.run_id));
      expect(order(await fresh.store.listRuns())).toEqual([3, 1, 2, 0]);
      expect(order(await fresh.store.listRuns(2))).toEqual([3, 1]);
    });

    test("listRuns returns 50 runs unless told otherwise", async () => {
      for (let i = 0; i < 55; i++) await ingest(fresh.store, newRun({ created_at: i }), []);
      const runs = await fresh.store.listRuns();
      expect(runs.length).toBe(50);
      expect(runs[0]?.created_at).toBe(54);
      expect((await fresh.store.listRuns(100)).length).toBe(55);
    });

    test("an unknown run reads as absent or empty", async () => {
      expect(await fresh.store.getRun("nope")).toBeUndefined();
      expect(await fresh.store.waves("nope")).toEqual([]);
      expect(await fresh.store.tasks("nope")).toEqual([]);
      expect(await fresh.store.tasksOfWave("nope", 1)).toEqual([]);
      expect(await fresh.store.attempts("nope")).toEqual([]);
      expect(await fresh.store.assignments("nope")).toEqual([]);
      expect(await fresh.store.waveRecords("nope")).toEqual([]);
    });

    test("waves are distinct and ascending; a wave's tasks come in input order; runs do not mix", async () => {
      const run = newRun();
      const waves = [3, 1, 3, 10, 1, 3];
      await ingest(fresh.store, run, waves.map((wave, seq) => task(seq, { wave })));
      await ingest(fresh.store, newRun(), [task(0, { wave: 2 }), task(1, { wave: 4 })]);

      expect(await fresh.store.waves(run.run_id)).toEqual([1, 3, 10]);
      const seqs = async (wave: number) => (await fresh.store.tasksOfWave(run.run_id, wave)).map((r) => specOf(r).seq);
      expect(await seqs(3)).toEqual([0, 2, 5]);
      expect(await seqs(1)).toEqual([1, 4]);
      expect(await seqs(2)).toEqual([]);
      expect((await fresh.store.tasks(run.run_id)).map((r) => specOf(r).seq)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    test("attempts come by task in input order, then by attempt number", async () => {
      const run = newRun();
      const id = run.run_id;
      // Input order differs from id order, so sorting by id would show.
      await ingest(fresh.store, run, [task(0, { task_id: "b" }), task(1, { task_id: "a" })]);
      await fresh.store.apply([
        attemptStarted(id, "a", 2, 30),
        attemptStarted(id, "b", 1, 10),
        attemptStarted(id, "a", 1, 20),
        attemptEnded(id, "a", 1, { error: { code: "TASK_ERROR", message: "boom", retryable: true } }),
      ]);
      const order = (await fresh.store.attempts(id)).map((a) => `${a.task_id}#${a.attempt}`);
      expect(order).toEqual(["b#1", "a#1", "a#2"]);
      expect((await fresh.store.attempts(id, "a")).map((a) => a.attempt)).toEqual([1, 2]);
      expect(await fresh.store.attempts(id, "missing")).toEqual([]);
    });

    test("assignments filter by wave and come in input order", async () => {
      const run = newRun();
      const id = run.run_id;
      await ingest(fresh.store, run, [task(0, { task_id: "z", wave: 2 }), task(1, { task_id: "y", wave: 1 }), task(2, { task_id: "x", wave: 2 })]);
      const row = (task_id: string, wave: number): AssignmentRow => ({
        run_id: id,
        task_id,
        agent_id: "agent_0",
        wave,
        strategy: "load_balanced",
        predicted_success_probability: 0.5,
        priority: 1,
        assigned_at: 7,
        reason: "least planned load",
      });
      await fresh.store.apply([row("x", 2), row("y", 1), row("z", 2)].map((r) => ({ kind: "assignment", row: r }) as const));
      expect((await fresh.store.assignments(id, 2)).map((a) => a.task_id)).toEqual(["z", "x"]);
      expect((await fresh.store.assignments(id)).map((a) => a.task_id)).toEqual(["y", "z", "x"]);
      expect(await fresh.store.assignments(id, 3)).toEqual([]);
    });

    test("close is idempotent, and a closed store refuses every call", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const lease = { run_id: run.run_id, owner: "o", token: 1 };
      const store = fresh.store;
      await store.close();
      await store.close();
      const calls: [string, () => Promise<unknown>][] = [
        ["beginRun", () => store.beginRun(newRun())],
        ["apply", () => store.apply([])],
        ["acquireLease", () => store.acquireLease(run.run_id, { holder: { owner: "o", host: "h", pid: 1, process_started: null }, period_ms: 1, holderIsDead: () => true })],
        ["renewLease", () => store.renewLease(lease)],
        ["releaseLease", () => store.releaseLease(lease)],
        ["currentLease", () => store.currentLease(run.run_id)],
        ["getRun", () => store.getRun(run.run_id)],
        ["listRuns", () => store.listRuns()],
        ["waves", () => store.waves(run.run_id)],
        ["tasksOfWave", () => store.tasksOfWave(run.run_id, 1)],
        ["tasks", () => store.tasks(run.run_id)],
        ["attempts", () => store.attempts(run.run_id)],
        ["assignments", () => store.assignments(run.run_id)],
        ["waveRecords", () => store.waveRecords(run.run_id)],
        ["violations", () => store.violations()],
        ["gateDecisions", () => store.gateDecisions(run.run_id)],
        ["signals", () => store.signals(run.run_id)],
        ["anomalies", () => store.anomalies(run.run_id)],
        ["providerState", () => store.providerState(run.run_id)],
      ];
      for (const [name, call] of calls) {
        const code = await call().then(() => "none", (e: unknown) => (e instanceof BuddyError ? e.code : String(e)));
        expect({ name, code }).toEqual({ name, code: "INTERNAL" });
      }
      // The run it had committed is still there for the next handle.
      expect((await (await fresh.another()).getRun(run.run_id))?.task_count).toBe(1);
    });
  });
}
