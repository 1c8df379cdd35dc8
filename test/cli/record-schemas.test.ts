/**
 * Every record any command prints conforms to the schema `buddy schema <its type>` prints, and
 * `buddy run`, `buddy show --tasks` and `buddy resume --replay` print the same `task` records.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { SCHEMAS } from "../../src/cli/commands/schema";
import { buddy, fixture, ofType, tempDir, type Ran } from "./helpers";

const SCHEMA_NAMES = ["input", "run", "task", "attempt", "wave", "summary", "validation", "calibration", "result", "violation", "signal", "anomaly", "report", "worker_attempt"];

/** Succeeds, fails after retries, violates, is rejected by a gate (live), and runs simulated. */
const MIXED = [
  { task_id: "ok", predicted_success_probability: 0.9, code: "console.log('hi'); return { n: input.n * 2 }", input: { n: 21 } },
  { task_id: "throws", predicted_success_probability: 0.8, max_retries: 1, retry: { base_delay_ms: 1 }, code: "throw new Error('boom')" },
  { task_id: "escapes", wave: 2, predicted_success_probability: 0.95, code: "return require('fs')" },
  { task_id: "unsure", wave: 2, predicted_success_probability: 0.05, code: "return 1" },
  { task_id: "ok-2", wave: 2, predicted_success_probability: 0.7, risk_assessment: "MEDIUM", code: "return 'x'.repeat(3)", extra: { kept: true } },
];

let dir: string;
let input: string;
const outputs: Array<{ command: string; ran: Ran }> = [];
const check = (command: string, ran: Ran) => outputs.push({ command, ran });
let runId: string;
let run: Ran;

beforeAll(async () => {
  dir = tempDir();
  input = join(dir, "mixed.jsonl");
  writeFileSync(input, MIXED.map((t) => JSON.stringify(t)).join("\n"));
  run = await buddy(["run", input, "--live", "--quiet", "--seed", "7"], { cwd: dir });
  check("run", run);
  runId = run.records.at(-1).run_id;
  check("run (simulated demo)", await buddy(["run", fixture("phase20"), "--simulate", "--quiet", "--seed", "1"], { cwd: dir }));
  check("run (dry run demo)", await buddy(["run", fixture("demo.jsonl"), "--quiet", "--seed", "2"], { cwd: dir }));
  check("runs", await buddy(["runs"], { cwd: dir }));
  check("show", await buddy(["show", runId, "--tasks", "--attempts"], { cwd: dir }));
  check("resume --replay", await buddy(["resume", runId, "--replay"], { cwd: dir }));
  check("validate", await buddy(["validate", input], { cwd: dir }));
  check("validate (invalid)", await buddy(["validate", fixture("invalid/four-problems.jsonl")], { cwd: dir }));
  check("calibrate", await buddy(["calibrate", "latest"], { cwd: dir }));
  check("violations", await buddy(["violations"], { cwd: dir }));
  check("sandbox eval", await buddy(["sandbox", "eval", "return [1, 2]"], { cwd: dir }));
  check("sandbox eval (failing)", await buddy(["sandbox", "eval", "while (true) {}", "--timeout-ms", "50"], { cwd: dir }));
});

describe("buddy schema", () => {
  test("without a name lists every record type, one per line", async () => {
    const listed = await buddy(["schema"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split("\n")).toEqual(SCHEMA_NAMES);
  });

  test("an unknown name is a usage error naming the known ones", async () => {
    const unknown = await buddy(["schema", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("summary");
  });
});

test("every record every command printed conforms to the schema of its type", async () => {
  // What `buddy schema NAME` prints is the schema checked here.
  const checkers = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();
  for (const name of SCHEMA_NAMES) {
    const printed = await buddy(["schema", name]);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(JSON.stringify(SCHEMAS[name])));
    checkers.set(name, TypeCompiler.Compile(SCHEMAS[name]!));
  }
  const seen = new Set<string>();
  for (const { command, ran } of outputs) {
    expect(ran.records.length).toBeGreaterThan(0);
    for (const record of ran.records) {
      const checker = checkers.get(record.type);
      if (!checker) throw new Error(`${command} printed a record of type ${record.type}, which has no schema`);
      const first = checker.Errors(record).First();
      if (first) throw new Error(`${command}: a ${record.type} record does not conform at ${first.path}: ${first.message}\n${JSON.stringify(record).slice(0, 400)}`);
      seen.add(record.type);
    }
  }
  expect([...seen].sort()).toEqual(["attempt", "calibration", "result", "run", "summary", "task", "validation", "violation", "wave"]);
});

test("the JSON report conforms to the `report` schema", async () => {
  const report = await buddy(["report", runId, "--format", "json"], { cwd: dir });
  expect(report.code).toBe(0);
  // One object on one line, like every other record on stdout.
  expect(report.records).toHaveLength(1);
  const doc = report.records[0];
  const first = TypeCompiler.Compile(SCHEMAS.report!).Errors(doc).First();
  expect(first ? `${first.path}: ${first.message}` : "conforms").toBe("conforms");
  expect(doc.tasks.map((t: { status: string }) => t.status).sort()).toEqual(["failed", "failed", "rejected", "succeeded", "succeeded"]);
});

test("run, show --tasks and resume --replay print the same task records", async () => {
  const byId = (ran: Ran) => ofType(ran.records, "task").sort((a, b) => a.task_id.localeCompare(b.task_id));
  const shown = outputs.find((o) => o.command === "show")!.ran;
  const replayed = outputs.find((o) => o.command === "resume --replay")!.ran;
  expect(byId(run).map((t) => [t.task_id, t.status])).toEqual([["escapes", "failed"], ["ok", "succeeded"], ["ok-2", "succeeded"], ["throws", "failed"], ["unsure", "rejected"]]);
  expect(byId(shown)).toEqual(byId(run));
  expect(byId(replayed)).toEqual(byId(run));
  for (const t of byId(run)) expect(Number.isInteger(t.duration_ms)).toBe(true);
});

test("show --attempts names an attempt's state `status`, with whole-ms durations", async () => {
  const attempts = ofType(outputs.find((o) => o.command === "show")!.ran.records, "attempt");
  expect(attempts.map((a) => `${a.task_id}#${a.attempt}:${a.status}`).sort()).toEqual(["escapes#1:failed", "ok#1:succeeded", "ok-2#1:succeeded", "throws#1:failed", "throws#2:failed"]);
  for (const a of attempts) {
    expect(a.state).toBeUndefined();
    expect(Number.isInteger(a.duration_ms)).toBe(true);
  }
});
