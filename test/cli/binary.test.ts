import { expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, fixture, ofType, tempDir } from "./helpers";

test("dist/buddy copied alone into an empty directory runs the demo there", async () => {
  const dir = tempDir();
  copyFileSync(BUDDY, join(dir, "buddy"));
  copyFileSync(fixture("demo.jsonl"), join(dir, "demo.jsonl"));
  const proc = Bun.spawn(["./buddy", "run", "demo.jsonl", "--quiet"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir } });
  const stdout = await new Response(proc.stdout).text();
  expect(await proc.exited).toBe(1);
  const records = stdout.trim().split("\n").map((l) => JSON.parse(l));
  expect(ofType(records, "task").length).toBe(30);
  expect(existsSync(join(dir, ".buddy/buddy.db"))).toBe(true);
});

test("--help of every command shows an example", async () => {
  for (const args of [[], ["run"], ["validate"], ["runs"], ["show"], ["schema"], ["violations"], ["sandbox", "eval"]]) {
    const ran = await buddy([...args, "--help"]);
    expect({ args, code: ran.code }).toEqual({ args, code: 0 });
    expect(ran.stdout + ran.stderr).toContain("Examples:");
  }
});

test("buddy schema prints JSON Schemas; unknown names exit 2", async () => {
  const ran = await buddy(["schema", "task"]);
  expect(ran.code).toBe(0);
  const schema = JSON.parse(ran.stdout);
  expect(schema.required).toContain("task_id");
  expect((await buddy(["schema", "nope"])).code).toBe(2);
});

test("buddy sandbox eval runs a snippet as a task attempt would", async () => {
  const ok = await buddy(["sandbox", "eval", "console.log('hi', input.a); return input.a + 1", "--input", '{"a":41}']);
  expect(ok.code).toBe(0);
  expect(ok.records[0]).toMatchObject({ type: "result", status: "succeeded", result: 42, console: ["hi 41"] });
  const spin = await buddy(["sandbox", "eval", "while(true){}", "--timeout-ms", "200"]);
  expect(spin.code).toBe(1);
  expect(spin.records[0]).toMatchObject({ status: "failed", error: { code: "TIMEOUT" } });
});
