/** Contract: `apply` — what each StoreWrite does, and writing the same thing again. */
import { describe, expect, test } from "bun:test";
import type { WaveRecord } from "../../../src/records";
import type { StoreWrite } from "../../../src/store";
import { assignment, attemptEnded, attemptStarted, ingest, newRun, summaryRecord, task, waveRecord } from "./data";
import { freshStore, type MakeStoreFixture } from "./fixtures";
import { progress, progressOf, specOf, states, taskFinal } from "./task-shape";

const TIMEOUT = { code: "TIMEOUT", message: "took longer than 100 ms", retryable: true } as const;

export function applyContract(make: MakeStoreFixture): void {
  describe("apply", () => {
    const fresh = freshStore(make, "apply");

    test("a task's life: assignment, a failed and a succeeded attempt, final", async () => {
      const run = newRun();
      const id = run.run_id;
      await ingest(fresh.store, run, [task(0), task(1)]);
      await fresh.store.apply([{ kind: "run_started", run_id: id, at: 1000 }]);
      expect(await fresh.store.getRun(id)).toMatchObject({ status: "running", started_at: 1000 });

      await fresh.store.apply([{ kind: "assignment", row: assignment(id, "task-0", "agent_3") }]);
      expect(await fresh.store.assignments(id)).toEqual([assignment(id, "task-0", "agent_3")]);
      expect((await progress(fresh.store, id))[0]?.agent_id).toBe("agent_3");

      await fresh.store.apply([attemptStarted(id, "task-0", 1, 2000)]);
      // The agent that runs an attempt may not be the assigned one (work stealing).
      expect((await progress(fresh.store, id))[0]).toMatchObject({ state: "running", agent_id: "agent_1", attempts: 1 });
      expect(await fresh.store.attempts(id, "task-0")).toEqual([
        {
          run_id: id,
          task_id: "task-0",
          attempt: 1,
          agent_id: "agent_1",
          status: "running",
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
      expect(attempts.map((a) => a.status)).toEqual(["failed", "succeeded"]);
      expect(attempts[0]).toMatchObject({ ended_at: 2100, duration_ms: 100, error: TIMEOUT, result_json: null });
      expect(attempts[1]).toMatchObject({ result_json: "2", error: null, console: ["hello", "world"] });
      expect(attempts[1]?.console_truncated).toBe(true);
      expect((await progress(fresh.store, id))[0]).toMatchObject({ state: "running", attempts: 2 });

      await fresh.store.apply([taskFinal(id, "task-0", { attempts: 2, started_at: 2000, ended_at: 3050 })]);
      const [final, untouched] = await progress(fresh.store, id);
      expect(final).toMatchObject({ state: "succeeded", agent_id: "agent_0", attempts: 2, result_json: "2" });
      expect(final).toMatchObject({ error: null, started_at: 2000, ended_at: 3050, duration_ms: 1050 });
      // A finished task's attempt durations are its ended attempts', read back in order.
      expect(final?.attempt_durations_ms).toEqual([100, 50]);
      expect(untouched).toMatchObject({ state: "pending", attempts: 0 });
    });

    test("a task's whole life in one batch leaves the rows that applying it write by write leaves", async () => {
      const life = (id: string, task_id: string): StoreWrite[] => [
        { kind: "assignment", row: assignment(id, task_id, "agent_3") },
        attemptStarted(id, task_id, 1, 2000),
        attemptEnded(id, task_id, 1, { at: 2100, duration_ms: 100, result_json: null, error: TIMEOUT }),
        attemptStarted(id, task_id, 2, 3000),
        attemptEnded(id, task_id, 2, { at: 3050, console: ["hello"], console_truncated: true }),
        taskFinal(id, task_id, { attempts: 2, started_at: 2000, ended_at: 3050 }),
      ];
      const stored = async (batched: boolean) => {
        const run = newRun();
        const id = run.run_id;
        await ingest(fresh.store, run, [task(0), task(1)]);
        const writes = life(id, "task-0");
        if (batched) await fresh.store.apply(writes);
        else for (const w of writes) await fresh.store.apply([w]);
        // Started in the batch, not ended in it: its start alone is written.
        await fresh.store.apply([attemptStarted(id, "task-1", 1, 4000)]);
        const strip = <T extends { run_id: string }>(rows: T[]) => rows.map(({ run_id: _, ...rest }) => rest);
        return {
          tasks: await progress(fresh.store, id),
          attempts: strip(await fresh.store.attempts(id)),
          assignments: strip(await fresh.store.assignments(id)),
        };
      };
      const oneByOne = await stored(false);
      expect(oneByOne.attempts.map((a) => a.status)).toEqual(["failed", "succeeded", "running"]);
      expect(await stored(true)).toEqual(oneByOne);
    });

    test("an attempt started again (its process crashed) starts afresh", async () => {
      const run = newRun();
      const id = run.run_id;
      await ingest(fresh.store, run, [task(0)]);
      await fresh.store.apply([
        attemptStarted(id, "task-0", 1, 100),
        attemptEnded(id, "task-0", 1, { at: 150, console: ["old"], console_truncated: true, error: TIMEOUT }),
      ]);
      await fresh.store.apply([{ ...attemptStarted(id, "task-0", 1, 900), agent_id: "agent_2" }]);
      expect(await fresh.store.attempts(id)).toEqual([
        expect.objectContaining({ attempt: 1, agent_id: "agent_2", status: "running", started_at: 900, ended_at: null }),
      ]);
      expect((await fresh.store.attempts(id))[0]).toMatchObject({ duration_ms: null, result_json: null, error: null, console: [], console_truncated: false });
      expect((await progress(fresh.store, id))[0]).toMatchObject({ state: "running", attempts: 1 });
    });

    test("a failed final keeps its error; a rejected task needs no attempt", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0), task(1)]);
      const rejected = { code: "SAFETY_GATE_REJECTED", message: "risk gate", retryable: false } as const;
      await fresh.store.apply([
        taskFinal(run.run_id, "task-0", { state: "failed", result_json: null, error: TIMEOUT, attempts: 4 }),
        taskFinal(run.run_id, "task-1", { state: "rejected", result_json: null, error: rejected, attempts: 0 }),
      ]);
      const rows = await progress(fresh.store, run.run_id);
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
      expect(rows.map((r) => specOf(r).task_id)).toEqual(["task-0", "task-1"]);
      expect(progressOf(rows[0]!)).toMatchObject({ state: "succeeded", attempts: 1, duration_ms: 50 });
    });

    test("assigning a task again replaces its assignment", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      await fresh.store.apply([{ kind: "assignment", row: assignment(run.run_id, "task-0", "agent_0") }]);
      await fresh.store.apply([{ kind: "assignment", row: assignment(run.run_id, "task-0", "agent_2") }]);
      expect((await fresh.store.assignments(run.run_id)).map((a) => a.agent_id)).toEqual(["agent_2"]);
      expect((await progress(fresh.store, run.run_id))[0]?.agent_id).toBe("agent_2");
    });

    test("a wave record is stored once per wave; ending it again replaces it", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0, { wave: 1 }), task(1, { wave: 2 })]);
      const [first, second, again] = [waveRecord(run.run_id, 2, 1), waveRecord(run.run_id, 1, 4), waveRecord(run.run_id, 2, 3)];
      const ended = (record: WaveRecord): StoreWrite => ({ kind: "wave_ended", row: { run_id: run.run_id, wave: record.wave, record } });
      await fresh.store.apply([ended(first), ended(second)]);
      await fresh.store.apply([ended(again)]);
      const records = await fresh.store.waveRecords(run.run_id);
      expect(records.map((r) => [r.wave, r.record])).toEqual([
        [1, second],
        [2, again],
      ]);
      expect(again.health_score).not.toBe(first.health_score);
    });

    test("run_ended records status, end and summary; a resumed run runs again from its first start", async () => {
      const run = newRun();
      await ingest(fresh.store, run, [task(0)]);
      const summary = summaryRecord(run.run_id, "interrupted");
      await fresh.store.apply([{ kind: "run_started", run_id: run.run_id, at: 1000 }]);
      await fresh.store.apply([{ kind: "run_ended", run_id: run.run_id, status: "interrupted", at: 2000, summary }]);
      expect(await fresh.store.getRun(run.run_id)).toMatchObject({ status: "interrupted", ended_at: 2000, summary });

      await fresh.store.apply([{ kind: "run_started", run_id: run.run_id, at: 5000 }]);
      expect(await fresh.store.getRun(run.run_id)).toMatchObject({ status: "running", started_at: 1000, ended_at: null });
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
          expect(await states(store, run.run_id)).toEqual(ids.map(() => "succeeded"));
        }
      }
    });
  });
}
