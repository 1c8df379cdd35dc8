/**
 * Input guarantees under attack (issue 9, second review), through the binary: bounds that keep
 * every number a run sums finite and every wave a directory name, problem lines that input text
 * cannot forge, scripts of a stream source resolved from the working directory, sources that
 * never end, and a stored hash that is always of the bytes the tasks came from.
 */
import { describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUDDY, buddy, tempDir } from "./helpers";

/** A task line; probability 1, so a simulated run always succeeds (exit 0). */
const line = (fields: Record<string, unknown>) => JSON.stringify({ task_id: "t", predicted_success_probability: 1, ...fields });

/** `validate` and `run` both refuse `text` (as tasks.jsonl) with exactly `problems`; nothing stored. */
async function refused(text: string, problems: string[], args: string[] = []): Promise<void> {
  const cwd = realpathSync(tempDir());
  writeFileSync(join(cwd, "tasks.jsonl"), text);
  const checked = await buddy(["validate", "tasks.jsonl", ...args], { cwd });
  expect({ code: checked.code, problems: checked.records[0]?.problems }).toEqual({ code: 2, problems: problems.map((p) => `tasks.jsonl:${p}`) });
  const ran = await buddy(["run", "tasks.jsonl", ...args], { cwd });
  expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
  for (const p of problems) expect(ran.stderr).toContain(`tasks.jsonl:${p}\n`);
  expect((await buddy(["runs"], { cwd })).stdout).toBe("");
}

describe("wave, priority and predicted_execution_time are bounded", () => {
  test("wave and priority are integers 1…1,000,000: 2^53+1, 1e21, 1,000,001 and 1.5 are refused", async () => {
    await refused(`${line({ wave: 9007199254740993, code: "return 1" })}\n`, ["1: wave: must be an integer between 1 and 1000000, got 9007199254740992"]);
    await refused(`${line({ wave: 1e21, code: "return 1" })}\n`, ["1: wave: must be an integer between 1 and 1000000, got 1e+21"]);
    await refused(`${line({ priority: 1000001, code: "return 1" })}\n`, ["1: priority: must be an integer between 1 and 1000000, got 1000001"]);
    await refused(`${line({ wave: 1.5, code: "return 1" })}\n`, ["1: wave: must be an integer between 1 and 1000000, got 1.5"]);
  });

  test("predicted_execution_time above 1e9 s is refused; at 1e9 the wave record stays finite", async () => {
    await refused(`${line({ predicted_execution_time: 1e308, code: "return 1" })}\n`, ["1: predicted_execution_time: must be a number between 0 and 1000000000, got 1e+308"]);
    const cwd = tempDir();
    const stdin = `${line({ task_id: "a", predicted_execution_time: 1e9 })}\n${line({ task_id: "b", predicted_execution_time: 1e9 })}\n`;
    const ran = await buddy(["run", "-", "--simulate", "--agents", "1", "--run-id", "W"], { cwd, stdin });
    expect(ran.code).toBe(0);
    const shown = await buddy(["show", "W"], { cwd });
    expect(shown.stdout).toContain('"planned_load":{"agent_0":2000000000}');
    expect(shown.stdout).toContain('"expected_makespan":2000000000');
  });

  test("wave 1,000,000 is accepted and its --out directory is buddy's own (cleared by --force)", async () => {
    const cwd = tempDir();
    const stdin = `${line({ wave: 1000000 })}\n`;
    expect((await buddy(["run", "-", "--simulate", "--out", "o", "--quiet"], { cwd, stdin })).code).toBe(0);
    writeFileSync(join(cwd, "o/user.txt"), "mine");
    const again = await buddy(["run", "-", "--simulate", "--out", "o", "--force", "--quiet"], { cwd, stdin: `${line({ wave: 2 })}\n` });
    expect(again.code).toBe(0);
    const listing = new Bun.Glob("**").scanSync({ cwd: join(cwd, "o"), onlyFiles: false });
    const names = [...listing];
    expect(names).toContain("user.txt");
    expect(names.some((n) => n.startsWith("wave_1000000"))).toBe(false);
    expect(names).toContain("wave_2");
  });
});

describe("Phase 20 arithmetic cannot overflow", () => {
  test("deltas near a double's limit average to finite numbers, execution times above 1e9 are refused", async () => {
    const cwd = realpathSync(tempDir());
    const agent = join(cwd, "tree/wave_1/agent_0");
    mkdirSync(agent, { recursive: true });
    writeFileSync(join(agent, "predicted_tasks.jsonl"), `${JSON.stringify({ task_id: "t1", predicted_success_probability: 0.5, confidence_delta_estimate: 1e303, predicted_execution_time: 5e8 })}\n`);
    const agent1 = join(cwd, "tree/wave_1/agent_1");
    mkdirSync(agent1, { recursive: true });
    writeFileSync(join(agent1, "predicted_tasks.jsonl"), `${JSON.stringify({ task_id: "t1", predicted_success_probability: 0.5, confidence_delta_estimate: 1.7e308 })}\n`);
    const ran = await buddy(["run", "tree", "--simulate", "--quiet", "--run-id", "P"], { cwd });
    expect(ran.code).toBeLessThan(2);
    expect(ran.records.find((r) => r.task_id === "t1").meta.confidence_delta_estimate).toBeCloseTo(8.50005e307, -300);
    const shown = await buddy(["show", "P"], { cwd });
    expect(shown.stdout).toContain('"planned_load":{"agent_0":500000000,');

    writeFileSync(join(agent, "predicted_tasks.jsonl"), `${JSON.stringify({ task_id: "t2", predicted_success_probability: 0.5, predicted_execution_time: 5e302 })}\n`);
    const bad = await buddy(["validate", "tree", "--simulate"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.records[0].problems).toEqual([`tree/wave_1/agent_0/predicted_tasks.jsonl:1: predicted_execution_time: must be a number between 0 and 1000000000, got 5e+302`]);
  });
});

describe("problem lines cannot be forged by input text", () => {
  test("a script, a key and an agent_id holding a newline, ESC, CSI or a bidi override are shown escaped", async () => {
    const cwd = realpathSync(tempDir());
    writeFileSync(join(cwd, "tasks.jsonl"), `${line({ script: "nope.js\ntasks.jsonl:99: code: \u001b[31mforged\u009b1m\u202e" })}\n${JSON.stringify({ task_id: "k", predicted_success_probability: 0.9, code: "return 1", retry: { "x\ny\u001b": 1 } })}\n`);
    const ran = await buddy(["run", "tasks.jsonl"], { cwd });
    expect(ran.code).toBe(2);
    const lines = ran.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      `tasks.jsonl:1: script: file not found: "${cwd}/nope.js\\ntasks.jsonl:99: code: \\u001b[31mforged\\u009b1m\\u202e"`,
      expect.stringMatching(/^tasks\.jsonl:2: retry\.x\\u000ay\\u001b: is not allowed here/),
      "buddy: 2 problem(s) in tasks.jsonl; nothing was run",
    ]);
    expect(ran.stderr).not.toMatch(/[\u001b\u009b\u202e]/);
  });

  test('script "good.js/", "." and "sub/.." name directories, not files', async () => {
    const cwd = realpathSync(tempDir());
    writeFileSync(join(cwd, "good.js"), "return 1");
    const text = ["good.js/", ".", "sub/.."].map((script, i) => line({ task_id: `t${i}`, script })).join("\n");
    await refused(`${text}\n`, [
      `1: script: "good.js/" names a directory, not a file`,
      `2: script: "." names a directory, not a file`,
      `3: script: "sub/.." names a directory, not a file`,
    ]);
  });
});

describe("stream sources", () => {
  test("/dev/stdin and /dev/fd/0 fed from a regular file resolve scripts from the working directory", async () => {
    const cwd = realpathSync(tempDir());
    mkdirSync(join(cwd, "x"));
    writeFileSync(join(cwd, "x/t.jsonl"), `${line({ script: "s.js" })}\n`);
    writeFileSync(join(cwd, "s.js"), "return 7;");
    for (const path of ["/dev/stdin", "/dev/fd/0"]) {
      const proc = Bun.spawn(["sh", "-c", `"${BUDDY}" run ${path} --quiet --db "${cwd}/b.db" < x/t.jsonl`], { cwd, stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text(), await proc.exited];
      expect({ path, code, err }).toEqual({ path, code: 0, err: "" });
      expect(out).toContain('"result":7');
    }
  });

  test("validate /dev/zero and run /dev/zero end with exit 2 and a (file) problem, quickly", async () => {
    const cwd = tempDir();
    const message = "/dev/zero:1: (file): has a line longer than 64 MiB without a line end (a source that never ends?); reading stopped";
    const checked = await buddy(["validate", "/dev/zero"], { cwd });
    expect({ code: checked.code, problems: checked.records[0].problems }).toEqual({ code: 2, problems: [message] });
    const ran = await buddy(["run", "/dev/zero"], { cwd });
    expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: "" });
    expect(ran.stderr).toContain(`${message}\n`);
    expect((await buddy(["runs"], { cwd })).stdout).toBe("");
  }, 30_000);

  test("an endless line on stdin (no newline ever) stops the run too", async () => {
    const cwd = tempDir();
    const proc = Bun.spawn(["sh", "-c", `cat /dev/zero | tr '\\0' 'x' | "${BUDDY}" run -`], { cwd, stdout: "pipe", stderr: "pipe" });
    const [err, code] = [await new Response(proc.stderr).text(), await proc.exited];
    expect(code).toBe(2);
    expect(err).toContain("<stdin>:1: (file): has a line longer than 64 MiB without a line end");
  }, 30_000);

  test("a line over 1 MiB is a problem and reading goes on to the next line", async () => {
    const long = `{"task_id":"big","predicted_success_probability":0.9,"pad":"${"x".repeat(2 * 1024 * 1024)}"}`;
    await refused(`${long}\n${line({ task_id: "after" })}\n`, ["1: (line): is longer than 1 MiB", "2: code: is missing (no code or script); such tasks only run with --simulate"]);
  });
});

describe("the stored hash is of the bytes ingested", () => {
  test("a file that grows while it is read is refused, nothing stored, and the run id stays free", async () => {
    const cwd = realpathSync(tempDir());
    const file = join(cwd, "big.jsonl");
    writeFileSync(file, Array.from({ length: 100_000 }, (_, i) => line({ task_id: `t${i}` })).join("\n") + "\n");
    const proc = Bun.spawn([BUDDY, "run", "big.jsonl", "--run-id", "HX", "--simulate", "--quiet"], { cwd, stdout: "pipe", stderr: "pipe" });
    let n = 0;
    const timer = setInterval(() => appendFileSync(file, `${line({ task_id: `late${n++}` })}\n`), 2);
    const [err, code] = [await new Response(proc.stderr).text(), await proc.exited];
    clearInterval(timer);
    expect({ code, err }).toEqual({ code: 2, err: "buddy: input big.jsonl changed while it was being read; nothing was run (run again once it no longer changes)\n" });
    expect((await buddy(["runs"], { cwd })).stdout).toBe("");
    const ran = await buddy(["run", "big.jsonl", "--run-id", "HX", "--simulate", "--quiet"], { cwd });
    expect(ran.code).toBe(0);
    expect(ran.records.filter((r) => r.type === "task")).toHaveLength(100_000 + n);
  }, 120_000);
});
