/**
 * SPEC 3: no exit code outside 0, 1, 2, 3, 4, 130, 143. Inputs that used to end in exit 70 (an
 * internal error with a stack) get a clear message and exit 2; `buddy sandbox eval` checks its
 * limits with the same rule as `run` (SPEC 1, 5).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buddy, tempDir } from "./helpers";

async function usage(args: string[], message: string, stdin?: string): Promise<void> {
  const ran = await buddy(args, stdin === undefined ? {} : { stdin });
  expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
  expect(ran.stderr).toContain(`buddy: ${message}\n`);
  expect(ran.stderr).not.toContain("internal error");
}

describe("buddy sandbox eval validates its options as run does", () => {
  test("limits out of range, not numbers, not integers", async () => {
    const cases: [string[], string][] = [
      [["--timeout-ms", "0"], "--timeout-ms must be an integer between 1 and 3600000, got 0"],
      [["--timeout-ms", "-5"], "--timeout-ms must be an integer between 1 and 3600000, got -5"],
      [["--timeout-ms", "abc"], '--timeout-ms must be an integer between 1 and 3600000, got "abc"'],
      [["--memory-mb", "0"], "--memory-mb must be an integer between 1 and 4096, got 0"],
      [["--memory-mb", "5000"], "--memory-mb must be an integer between 1 and 4096, got 5000"],
      [["--seed", "1.5"], "--seed must be an integer between 0 and 4294967295, got 1.5"],
      [["--seed", "-1"], "--seed must be an integer between 0 and 4294967295, got -1"],
    ];
    for (const [flags, message] of cases) await usage(["sandbox", "eval", "return 1", ...flags], message);
    // The same values are refused by run, with the same words.
    const ran = await buddy(["run", "-", "--timeout-ms", "0"], { stdin: "" });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("--timeout-ms must be an integer between 1 and 3600000, got 0");
  });

  test("--input follows the rules of a task's input", async () => {
    await usage(["sandbox", "eval", "return 1", "--input", "{"], "--input: is not valid JSON (Expected '}')");
    await usage(["sandbox", "eval", "return 1", "--input", '{"a":1e309}'], "--input: a: is a number too large for a double (beyond ±1.8e308)");
    await usage(["sandbox", "eval", "return 1", "--input", '"\\ud800"'], "--input: contains a lone UTF-16 surrogate (not valid Unicode)");
    await usage(["sandbox", "eval", "return 1", "--input", `${"[".repeat(600)}${"]".repeat(600)}`], "--input: is nested deeper than 512 levels");
  });

  test("--file - reads stdin; a directory, a missing file and an endless device are refused", async () => {
    const ran = await buddy(["sandbox", "eval", "--file", "-"], { stdin: "return 40 + 2" });
    expect(ran.code).toBe(0);
    expect(ran.records[0]).toMatchObject({ type: "result", status: "succeeded", result: 42 });
    await usage(["sandbox", "eval", "--file", "/tmp"], "--file /tmp: is a directory");
    await usage(["sandbox", "eval", "--file", "/no/such.js"], "--file /no/such.js: not found");
    await usage(["sandbox", "eval", "--file", "/dev/zero"], "--file /dev/zero: is larger than 1 MiB");
    const bytes = join(tempDir(), "bin.js");
    writeFileSync(bytes, Buffer.from([0xff, 0xfe, 0x00]));
    await usage(["sandbox", "eval", "--file", bytes], `--file ${bytes}: is not valid UTF-8 text`);
  });
});

describe("odd inputs get their documented code", () => {
  test("a directory that is no Phase 20 tree, an empty one, binary garbage, invalid UTF-8", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "garbage.bin"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(join(dir, "latin1.jsonl"), Buffer.from('{"task_id":"caf\xe9"}\n', "latin1"));
    for (const input of ["empty", "garbage.bin", "latin1.jsonl", "/"]) {
      for (const command of ["validate", "run"]) {
        const ran = await buddy([command, input, "--simulate"], { cwd: dir });
        expect({ command, input, code: ran.code }).toEqual({ command, input, code: 2 });
        expect(ran.stderr).toMatch(/^[^\n]+?(:\d+: \S+)?: /m);
        expect(ran.stderr).not.toContain("internal error");
      }
    }
    expect((await buddy(["runs"], { cwd: dir })).stdout).toBe("");
  });
});

describe("an option error is said once", () => {
  test("one bad flag: its line once; two: each once, under a count", async () => {
    const one = await buddy(["run", "-", "--agents", "abc"], { stdin: "" });
    expect(one.code).toBe(2);
    expect(one.stderr).toBe('buddy: --agents must be an integer between 1 and 10000, got "abc"\n');
    const two = await buddy(["run", "-", "--agents", "abc", "--jitter", "5"], { stdin: "" });
    expect(two.code).toBe(2);
    expect(two.stderr.split("\n").filter((l) => l.includes("--agents")).length).toBe(1);
    expect(two.stderr).toContain("buddy: 2 invalid options\n");
  });
});

test("runs --limit that is not an integer ≥ 1 is a usage error naming the value, before any store is opened", async () => {
  const dir = tempDir();
  for (const bad of ["abc", "0", "-3", "1.5"]) {
    const ran = await buddy(["runs", "--limit", bad, "--db", join(dir, "none.db")], { cwd: dir });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`--limit must be an integer ≥ 1, got "${bad}"`);
  }
  expect(existsSync(join(dir, "none.db"))).toBe(false);
  expect((await buddy(["runs", "--limit", "3", "--db", join(dir, "none.db")], { cwd: dir })).code).toBe(0);
});
