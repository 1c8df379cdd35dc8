import { Value } from "@sinclair/typebox/value";
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ViolationRecordSchema } from "../../src/records";
import { buddy, ofType, tempDir } from "./helpers";

const line = (task_id: string, code: string) => JSON.stringify({ task_id, predicted_success_probability: 0.5, code });

test("buddy violations prints a run's violation log as NDJSON; without a run id, every run's", async () => {
  const dir = tempDir();
  const db = join(dir, "v.db");
  writeFileSync(join(dir, "a.jsonl"), [line("net", "return await fetch('https://example.com')"), line("clean", "return 1")].join("\n"));
  writeFileSync(join(dir, "b.jsonl"), line("proc", "return process.env.HOME"));
  for (const [file, id] of [["a.jsonl", "run-a"], ["b.jsonl", "run-b"]] as const) {
    const ran = await buddy(["run", file, "--db", db, "--run-id", id, "--retry", "none", "--quiet"], { cwd: dir });
    expect(ran.code).toBe(1);
    const failed = ofType(ran.records, "task").find((t) => t.status === "failed");
    expect(failed.error).toMatchObject({ code: "VIOLATION", retryable: false });
  }

  const one = await buddy(["violations", "run-a", "--db", db]);
  expect(one.code).toBe(0);
  expect(one.records).toEqual([
    expect.objectContaining({
      type: "violation",
      run_id: "run-a",
      task_id: "net",
      attempt: 1,
      execution_id: "run-a/net/1",
      violation_type: "NETWORK_ACCESS_ATTEMPT",
      details: "read of blocked global 'fetch'",
      code_preview: "return await fetch('https://example.com')",
    }),
  ]);
  expect(Value.Check(ViolationRecordSchema, one.records[0])).toBe(true);

  const all = await buddy(["violations", "--db", db]);
  expect(all.records.map((r) => [r.run_id, r.violation_type])).toEqual([
    ["run-a", "NETWORK_ACCESS_ATTEMPT"],
    ["run-b", "SUBPROCESS_ATTEMPT"],
  ]);

  const unknown = await buddy(["violations", "no-such-run", "--db", db]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("no run no-such-run");
});

test("buddy schema violation prints the violation record's schema", async () => {
  const ran = await buddy(["schema", "violation"]);
  expect(ran.code).toBe(0);
  expect(JSON.parse(ran.stdout)).toMatchObject({ title: "sandbox violation record", properties: { type: { const: "violation" } } });
});
