import { expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { RUN_DEFAULTS, RunOptionsSchema, SNIPPET_SEED } from "../../src/config";
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

/** The `[default: …]` `help` shows for `--flag` (help is unwrapped: one line per option). */
const shownDefault = (help: string, flag: string): string | undefined => {
  const entry = help.split("\n").find((line) => line.trimStart().startsWith(`--${flag} `)) ?? "";
  return /\[default: ([^\]]*)\]/.exec(entry)?.[1];
};

test("--help shows the defaults of the one table the options are parsed with", async () => {
  const run = (await buddy(["run", "--help"])).stdout;
  const keys = Object.keys(RUN_DEFAULTS) as (keyof typeof RUN_DEFAULTS)[];
  expect(keys.length).toBeGreaterThan(10);
  for (const key of keys) {
    const flag = key.replaceAll("_", "-");
    // --live has no yargs default (DRY_RUN decides when it is absent); its text starts with the default.
    expect([flag, shownDefault(run, flag)?.split(",")[0]]).toEqual([flag, JSON.stringify(RUN_DEFAULTS[key])]);
  }
  const evalHelp = (await buddy(["sandbox", "eval", "--help"])).stdout;
  expect([shownDefault(evalHelp, "timeout-ms"), shownDefault(evalHelp, "memory-mb"), shownDefault(evalHelp, "seed")]).toEqual(
    [String(RUN_DEFAULTS.timeout_ms), String(RUN_DEFAULTS.memory_mb), String(SNIPPET_SEED)],
  );
  // What zod fills in for an option not given is the same table's.
  expect(RunOptionsSchema.parse({ threads: 1 })).toMatchObject(RUN_DEFAULTS);
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
