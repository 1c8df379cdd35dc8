/** Contract: `apply` — what each StoreWrite does, idempotence, and all-or-nothing batches. */
import { describe, expect, test } from "bun:test";
import type { AssignmentRow, StoreWrite } from "../../../src/store";
import { attemptEnded, attemptStarted, ingest, newRun, task, taskFinal } from "./data";
import { expectBuddyError, freshStore, type MakeStoreFixture } from "./fixtures";

const TIMEOUT = { code: "TIMEOUT", message: "took longer than 100 ms", retryable: true } as const;

function assignment(run_id: string, task_id: string, agent_id: string): AssignmentRow {
  return {
    run_id,
    task_id,
    agent_id,
    wave: 1,
    strategy: "round_robin",
    predicted_success_probability: 0.8,
    priority: 2,
    assigned_at: 1_700_000_000_500,
    reason: "task 0 mod 4",
  };
}

export function applyContract(make: MakeStoreFixture): void {
  describe("apply", () => {
    const fresh = freshStore(make);

    test("a task's life: assignment, a failed and a succeeded attempt, final", async () => {
      const run = newRun();
      const id = run.run_id;
      await ingest(fresh.store, run, [task(0), task(1)]);
      await fresh.store.apply([{ kind: "run_started", run_id: id, at: 1000 }]);
      expect(await fresh.store.getRun(id)).toMatchObject({ status: "running", started_at: 1000 });

      await fresh.store.apply([{ kind: "assignment", row: assignment(id, "task-0", "agent_3") }]);
      expect(await fresh.store.assignments(id)).toEqual([assignment(id, "task-0", "agent_3")]);
      expect((await fresh.store.tasks(id))[0]?.agent_id).toBe("agent_3");

      await fresh.store.apply([attemptStarted(id, "task-0", 1, 2000)]);
      expect((await fresh.store.tasks(id))[0]).toMatchObject({ state: "running", attempts: 1, started_at: 2000 });
      expect(await fresh.store.attempts(id, "task-0")).toEqual([
        {
          run_id: id,
          task_id: "task-0",
          attempt: 1,
          agent_id: "agent_1",
          state: "running",
          started_at: 2000,
          ended_at: null,
          duration_ms: null,
          result_json: null,
          error: null,
          console: [],
          console_truncated: false,
        },
      ]);

      await fresh.store.apply([
        attemptEnded(id, "task-0", 1, { at: 2100, duration_ms: 100, result_json: null, error: TIMEOUT }),
        attemptStarted(id, "task-0", 2, 3000),
        attemptEnded(id, "task-0", 2, { at: 3050, console: ["hello", "world"], console_truncated: true }),
      ]);
      const attempts = await fresh.store.attempts(id, "task-0");
      expect(attempts.map((a) => a.state)).toEqual(["failed", "succeeded"]);
      expect(attempts[0]).toMatchObject({ ended_at: 2100, duration_ms: 100, error: TIMEOUT, result_json: null });
      expect(attempts[1]).toMatchObject({ result_json: "2", error: null, console: ["hello", "world"] });
      expect(attempts[1]?.console_truncated).toBe(true);
      // The task started with its first attempt, not its last.
      expect((await fresh.store.tasks(id))[0]).toMatchObject({ attempts: 2, started_at: 2000 });

      await fresh.store.apply([taskFinal(id, "task-0", { attempts: 2, started_at: 2000, ended_at: 3050, duration_ms: 1050 })]);
      const [final, untouched] = await fresh.store.tasks(id);
      expect(final).toMatchObject({ state: "succeeded", agent_id: "agent_0", attempts: 2, result_json: "2" });
      expect(final).toMatchObject({ error: null, started_at: 2000, ended_at: 3050, duration_ms: 1050 });
      expect(untouched).toMatchObject({ state: "pending", attempts: 0 });
    });

    test("a failed final keeps its error; a rejected task needs no attempt", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0), task(1)]);
      const rejected = { code: "SAFETY_GATE_REJECTED", message: "risk gate", retryable: false } as const;
      await fresh.store.apply([
        taskFinal(run.run_id, "task-0", { state: "failed", result_json: null, error: TIMEOUT, attempts: 4 }),
        taskFinal(run.run_id, "task-1", { state: "rejected", result_json: null, error: rejected, attempts: 0 }),
      ]);
      const rows = await fresh.store.tasks(run.run_id);
      expect(rows.map((r) => [r.state, r.error])).toEqual([
        ["failed", TIMEOUT],
        ["rejected", rejected],
      ]);
    });

    test("applying the same final twice leaves one final record", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0), task(1)]);
      const final = taskFinal(run.run_id, "task-0");
      await fresh.store.apply([final, final]);
      await fresh.store.apply([final]);
      const rows = await fresh.store.tasks(run.run_id);
      expect(rows.length).toBe(2);
      expect(rows.filter((r) => r.task.task_id === "task-0")).toEqual([
        expect.objectContaining({ state: "succeeded", attempts: 1, duration_ms: 50 }),
      ]);
    });

    test("assigning a task again replaces its assignment", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      await fresh.store.apply([{ kind: "assignment", row: assignment(run.run_id, "task-0", "agent_0") }]);
      await fresh.store.apply([{ kind: "assignment", row: assignment(run.run_id, "task-0", "agent_2") }]);
      expect((await fresh.store.assignments(run.run_id)).map((a) => a.agent_id)).toEqual(["agent_2"]);
      expect((await fresh.store.tasks(run.run_id))[0]?.agent_id).toBe("agent_2");
    });

    test("a wave record is stored once per wave; ending it again replaces it", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0, { wave: 1 }), task(1, { wave: 2 })]);
      const wave = (n: number, health: number): StoreWrite => ({
        kind: "wave_ended",
        row: { run_id: run.run_id, wave: n, record: { type: "wave", wave: n, health: { score: health } } },
      });
      await fresh.store.apply([wave(2, 0.5), wave(1, 0.9)]);
      await fresh.store.apply([wave(2, 0.7)]);
      const records = await fresh.store.waveRecords(run.run_id);
      expect(records.map((r) => [r.wave, r.record])).toEqual([
        [1, { type: "wave", wave: 1, health: { score: 0.9 } }],
        [2, { type: "wave", wave: 2, health: { score: 0.7 } }],
      ]);
    });

    test("run_ended records status, end and summary; a resumed run runs again from its first start", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const summary = { type: "summary", status: "interrupted", totals: { succeeded: 0 } };
      await fresh.store.apply([{ kind: "run_started", run_id: run.run_id, at: 1000 }]);
      await fresh.store.apply([{ kind: "run_ended", run_id: run.run_id, status: "interrupted", at: 2000, summary }]);
      expect(await fresh.store.getRun(run.run_id)).toMatchObject({ status: "interrupted", ended_at: 2000, summary });

      await fresh.store.apply([{ kind: "run_started", run_id: run.run_id, at: 5000 }]);
      expect(await fresh.store.getRun(run.run_id)).toMatchObject({ status: "running", started_at: 1000, ended_at: null });
    });

    test("a batch is all or nothing: a write for an unknown task undoes the whole batch", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      for (const bad of [
        taskFinal(run.run_id, "no-such-task"),
        attemptStarted(run.run_id, "no-such-task", 1, 5),
        attemptEnded(run.run_id, "task-0", 7),
        { kind: "run_started", run_id: "no-such-run", at: 1 } as const,
      ]) {
        const error = await expectBuddyError(() => fresh.store.apply([taskFinal(run.run_id, "task-0"), bad]), "STORE");
        expect(error.message).toMatch(/no-such-task|attempt 7|no-such-run/);
        expect((await fresh.store.tasks(run.run_id))[0]?.state).toBe("pending");
      }
    });

    test("an empty batch changes nothing", async () => {
      await fresh.store.apply([]);
      expect(await fresh.store.listRuns()).toEqual([]);
    });

    test("two connections writing in turn to the same database both succeed", async () => {
      const other = await fresh.another();
      const a = newRun({ created_at: 1 });
      const b = newRun({ created_at: 2 });
      const ids = Array.from({ length: 20 }, (_, i) => task(i));
      await ingest(fresh.store, a, ids);
      await ingest(other, b, ids);
      for (let i = 0; i < ids.length; i += 2) {
        await fresh.store.apply([taskFinal(a.run_id, `task-${i}`), taskFinal(a.run_id, `task-${i + 1}`)]);
        await other.apply([taskFinal(b.run_id, `task-${i}`), taskFinal(b.run_id, `task-${i + 1}`)]);
      }
      for (const store of [fresh.store, other]) {
        expect((await store.listRuns()).map((r) => r.run_id)).toEqual([b.run_id, a.run_id]);
        for (const run of [a, b]) {
          const states = (await store.tasks(run.run_id)).map((r) => r.state);
          expect(states).toEqual(ids.map(() => "succeeded"));
        }
      }
    });
  });
}
