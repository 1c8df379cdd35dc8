/**
 * Stored documents (run options, `wave` and `summary` records, signals, anomalies) are read
 * through their schemas: a store written by another build is checked, not trusted.
 */
import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuddyError } from "../../src/core";
import { openStore } from "../../src/store";
import { waveSignals } from "../../src/feedback";
import { wave } from "../builders";
import { ingest, newRun, signalRow, summaryRecord, task, waveRecord } from "../contract/store/data";

async function storeWithRun() {
  const path = join(mkdtempSync(join(tmpdir(), "buddy-docs-")), "buddy.db");
  const store = await openStore(path);
  const run = newRun();
  await ingest(store, run, [task(0)]);
  await store.apply([
    { kind: "wave_ended", row: { run_id: run.run_id, wave: 1, record: waveRecord(run.run_id, 1) } },
    { kind: "run_ended", run_id: run.run_id, status: "completed", at: 5, summary: summaryRecord(run.run_id) },
  ]);
  await store.close();
  return { path, run_id: run.run_id };
}

const edit = (path: string, sql: string) => {
  const db = new Database(path);
  db.run(sql);
  db.close();
};

const storeError = async (read: () => unknown): Promise<string> => {
  try {
    await read();
  } catch (error) {
    expect(error).toBeInstanceOf(BuddyError);
    expect((error as BuddyError).code).toBe("STORE");
    return (error as BuddyError).message;
  }
  throw new Error("the read succeeded");
};

test("a summary that does not match the summary schema is a STORE error naming the run and the field", async () => {
  const { path, run_id } = await storeWithRun();
  edit(path, `UPDATE runs SET summary = json_set(summary, '$.success_rate', 'high')`);
  const message = await storeError(async () => (await openStore(path, { readonly: true })).getRun(run_id));
  expect(message).toContain(`run ${run_id}'s summary`);
  expect(message).toContain("/success_rate");
});

test("run options are checked by the flags' rules: an out-of-range value is a STORE error", async () => {
  const { path, run_id } = await storeWithRun();
  edit(path, `UPDATE runs SET options = json_set(options, '$.agents', 0)`);
  expect(await storeError(async () => (await openStore(path, { readonly: true })).getRun(run_id))).toContain(`run ${run_id}'s options`);
});

test("a wave record with a field of the wrong type is a STORE error", async () => {
  const { path, run_id } = await storeWithRun();
  edit(path, `UPDATE waves SET record = json_set(record, '$.plan', 'none')`);
  expect(await storeError(async () => (await openStore(path, { readonly: true })).waveRecords(run_id))).toContain(`run ${run_id}'s wave 1 record`);
});

test("records written before totals had `pending` are read with it filled in, and an empty run's success rate is null", async () => {
  const { path, run_id } = await storeWithRun();
  edit(path, `UPDATE runs SET summary = json_set(json_remove(summary, '$.totals.pending'), '$.totals.succeeded', 0, '$.success_rate', 0)`);
  edit(path, `UPDATE waves SET record = json_remove(record, '$.totals.pending')`);
  const store = await openStore(path, { readonly: true });
  expect((await store.getRun(run_id))?.summary).toMatchObject({ totals: { tasks: 1, succeeded: 0, pending: 1 }, success_rate: null });
  expect((await store.waveRecords(run_id))[0]?.record.totals.pending).toBe(0);
});

test("gate decisions are kept compactly, and rows written in the older object form read the same", async () => {
  const { path, run_id } = await storeWithRun();
  const decisions = [
    { task_id: "task-0", attempt: 1, gate: "risk", decision: "would_reject", reason: "HIGH risk needs explicit approval (approved: true)" },
    { task_id: "task-0", attempt: 1, gate: "capability", decision: "pass", reason: "uses no provider" },
  ] as const;
  const store = await openStore(path);
  await store.apply([{ kind: "gate_decisions", run_id, decisions: [...decisions] }]);
  await store.close();
  const db = new Database(path);
  const stored = db.query<{ decisions: string }, []>("SELECT decisions FROM gate_decisions").get()!.decisions;
  expect(JSON.parse(stored)).toEqual([["risk", "w", decisions[0].reason], ["capability", "p", "uses no provider"]]);
  db.run("UPDATE gate_decisions SET decisions = ?", [JSON.stringify(decisions.map(({ gate, decision, reason }) => ({ gate, decision, reason })))]);
  db.close();
  expect(await (await openStore(path, { readonly: true })).gateDecisions(run_id)).toEqual([...decisions]);
});

test("a prediction signal written before it was bounded reads with its counts filled in", async () => {
  const { path, run_id } = await storeWithRun();
  const store = await openStore(path);
  const signal = signalRow(run_id, 1, "p-1");
  const prediction = waveSignals(wave(1, 1, [[0, "failed", 0.95], [0, "succeeded", 0.9], [0, "failed", 0.5]]), { generated_at: "2026-01-01T00:00:00.000Z" })
    .find((s) => s.signal_type === "prediction_validation")!;
  await store.apply([
    { kind: "signal", row: signal },
    { kind: "signal", row: { run_id, wave: 1, id: prediction.signal_id, document: prediction } },
  ]);
  await store.close();
  edit(path, `UPDATE signals SET signal = json_remove(signal, '$.content.tasks_total', '$.content.confident_misses') WHERE signal_id = '${prediction.signal_id}'`);
  const read = (await (await openStore(path, { readonly: true })).signals(run_id)).find((s) => s.id === prediction.signal_id)!.document;
  expect(read).toEqual(prediction);
  if (read.signal_type !== "prediction_validation") throw new Error("unreachable");
  expect([read.content.tasks_total, read.content.confident_misses]).toEqual([3, 1]);
});

test("a document that is not JSON, or a gate decision with an unknown verdict or gate, is a STORE error naming the run", async () => {
  const { path, run_id } = await storeWithRun();
  const store = await openStore(path);
  await store.apply([{ kind: "gate_decisions", run_id, decisions: [{ task_id: "task-0", attempt: 1, gate: "risk", decision: "pass", reason: "LOW" }] }]);
  await store.close();
  for (const bad of [`'[["risk","x","LOW"]]'`, `'[["nope","p","LOW"]]'`, `'[["risk","p"]]'`, `'{"gate":"risk"}'`, `'[null]'`]) {
    edit(path, `UPDATE gate_decisions SET decisions = ${bad}`);
    expect(await storeError(async () => (await openStore(path, { readonly: true })).gateDecisions(run_id))).toContain(`a gate decision of run ${run_id}`);
  }
  edit(path, `UPDATE runs SET summary = '{"type":'`);
  expect(await storeError(async () => (await openStore(path, { readonly: true })).getRun(run_id))).toContain("(not JSON)");
});

test("a task row with an unknown state, a spec without its identity, or text that is not JSON is a STORE error, never a task to run again", async () => {
  const { path, run_id } = await storeWithRun();
  for (const [column, value] of [["state", "'bogus'"], ["spec", `'{"task_id":5}'`], ["spec", "'{'"], ["result_json", "'{'"], ["error", "'{'"]] as const) {
    const copy = join(mkdtempSync(join(tmpdir(), "buddy-docs-")), "buddy.db");
    await Bun.write(copy, Bun.file(path));
    edit(copy, `UPDATE tasks SET ${column} = ${value}`);
    expect(await storeError(async () => (await openStore(copy, { readonly: true })).tasks(run_id))).toContain(`of run ${run_id}`);
  }
});
