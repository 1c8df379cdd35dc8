import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { SummaryRecordSchema, TaskRecordSchema, WaveRecordSchema } from "../../src/records";
import { buddy, fixture, ofType, tempDir } from "./helpers";

describe("buddy run fixtures/demo.jsonl", async () => {
  const dir = tempDir();
  const ran = await buddy(["run", fixture("demo.jsonl"), "--seed", "7", "--quiet"], { cwd: dir });
  const tasks = ofType(ran.records, "task");
  const byId = Object.fromEntries(tasks.map((t) => [t.task_id, t]));

  test("exits 1 because some demo tasks fail by design", () => {
    expect(ran.code).toBe(1);
  });
  test("prints exactly one task record per task, and the summary last", () => {
    expect(tasks.length).toBe(30);
    expect(new Set(tasks.map((t) => t.task_id)).size).toBe(30);
    expect(ran.records.at(-1).type).toBe("summary");
    expect(ofType(ran.records, "wave").map((w) => w.wave)).toEqual([1, 2, 3]);
  });
  test("task records carry the values the code returned", () => {
    expect(byId["revenue-by-region"].result).toEqual({ north: 60, south: 46.5, east: 92.5 });
    expect(byId["roman-numerals"].result).toEqual(["MCMLXXXVII", "MMXXIV", "MMMCMXCIX"]);
    expect(byId["business-days"].result).toBe(20);
    expect(byId["async-pipeline"].result).toBe("FETCH:0 -> PARSE:1 -> STORE:2");
    expect(byId["matrix-multiply"].result).toEqual([[19, 22], [43, 50]]);
  });
  test("failures carry their error codes; a flaky task succeeds on its retry", () => {
    expect(byId["flaky-upstream"]).toMatchObject({ status: "succeeded", attempts: 2, result: { ok: true, attempt: 2 } });
    expect(byId["syntax-error"]).toMatchObject({ status: "failed", attempts: 1, error: { code: "SYNTAX_ERROR", retryable: false } });
    expect(byId["runaway-loop"]).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
    expect(byId["config-missing-key"]).toMatchObject({ status: "failed", attempts: 1, error: { code: "TASK_ERROR", retryable: false } });
  });
  test("every record conforms to its published schema", () => {
    for (const t of tasks) expect(Value.Errors(TaskRecordSchema, t).First()).toBeUndefined();
    for (const w of ofType(ran.records, "wave")) expect(Value.Errors(WaveRecordSchema, w).First()).toBeUndefined();
    expect(Value.Errors(SummaryRecordSchema, ran.records.at(-1)).First()).toBeUndefined();
  });
  test("the summary counts the run and names the database under .buddy/", () => {
    const summary = ran.records.at(-1);
    expect(summary.status).toBe("failed");
    expect(summary.totals.tasks).toBe(30);
    expect(summary.totals.succeeded + summary.totals.failed).toBe(30);
    expect(summary.totals.failed).toBe(5);
    expect(summary.db).toBe(`${dir}/.buddy/buddy.db`);
  });
  test("the run is stored: buddy runs and buddy show find it", async () => {
    const runs = await buddy(["runs"], { cwd: dir });
    expect(runs.records.map((r) => r.run_id)).toEqual([ran.records.at(-1).run_id]);
    const shown = await buddy(["show", runs.records[0].run_id, "--tasks"], { cwd: dir });
    expect(shown.code).toBe(0);
    const tasks = ofType(shown.records, "task");
    expect(tasks.length).toBe(30);
    expect(tasks.find((s) => s.task_id === "revenue-by-region").result).toEqual({ north: 60, south: 46.5, east: 92.5 });
  });
});

test("a file whose tasks all succeed exits 0", async () => {
  const ran = await buddy(["run", fixture("all-ok.jsonl"), "--quiet"]);
  expect(ran.code).toBe(0);
  expect(ran.records.at(-1)).toMatchObject({ type: "summary", status: "completed", success_rate: 1 });
  expect(ofType(ran.records, "task").find((t) => t.task_id === "awaited").result).toEqual({ doubled: 42, attempt: 1, wave: 2 });
});

test("tasks are read from stdin with -", async () => {
  const ran = await buddy(["run", "-", "--quiet"], { stdin: await Bun.file(fixture("all-ok.jsonl")).text() });
  expect(ran.code).toBe(0);
  expect(ofType(ran.records, "task").length).toBe(4);
});

test("the same seed gives the same outcomes; without work stealing, the same placement too", async () => {
  const outcomes = async (strategy: string) => {
    const ran = await buddy(["run", fixture("demo.jsonl"), "--seed", "11", "--strategy", strategy, "--quiet"]);
    // Under load_balanced an idle agent steals queued work, so placement follows timing, not the seed.
    const placement = (t: any) => (strategy === "load_balanced" ? "" : t.agent_id);
    return ofType(ran.records, "task").map((t) => [t.task_id, t.status, t.attempts, placement(t), JSON.stringify(t.result ?? t.error.code)]).sort();
  };
  for (const strategy of ["load_balanced", "round_robin"]) expect(await outcomes(strategy)).toEqual(await outcomes(strategy));
});
